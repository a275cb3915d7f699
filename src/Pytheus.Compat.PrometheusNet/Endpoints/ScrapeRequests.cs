using System.Net;
using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Endpoints;

/// <summary>
/// Finds the HTTP request behind a prometheus-net export. prometheus-net's endpoints (the ASP.NET Core middleware behind
/// <c>MapMetrics</c>, <c>UseMetricServer</c> and <c>KestrelMetricServer</c>, and the HttpListener <c>MetricServer</c>)
/// hand its serializer a stream factory that closes over the response, and the serializer wraps that factory in a
/// buffering one: the response is two closures away from the serializer's <c>Lazy&lt;Stream&gt;</c>. Exports with no
/// request behind them (<c>CollectAndExportAsTextAsync</c>, <c>MetricPusher</c>) have no response there.
/// </summary>
internal static class ScrapeRequests
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    // Private fields of the BCL, present since .NET Core 3 and checked by a test; their absence only means that
    // prometheus-net's endpoints keep their own formats.
    private static readonly FieldInfo? LazyFactory = typeof(Lazy<Stream>).GetField("_factory", Fields);
    private static readonly FieldInfo? ListenerContext = typeof(HttpListenerResponse).GetField("_httpContext", Fields);

    /// <summary>
    /// The request the export writing into <paramref name="stream"/> answers, or null if none, if already written to, or
    /// if it cannot be read: then prometheus-net's own negotiation stands, and the scrape never fails for it.
    /// </summary>
    public static ScrapeRequest? Find(Lazy<Stream> stream)
    {
        try
        {
            return Walk(stream);
        }
        catch (Exception e) when (e is TargetInvocationException or MemberAccessException or ArgumentException or InvalidCastException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static ScrapeRequest? Walk(Lazy<Stream> stream)
    {
        if (stream.IsValueCreated || LazyFactory?.GetValue(stream) is not Delegate buffering)
        {
            return null;
        }
        var endpointFactory = CapturedBy(buffering.Target).OfType<Func<Stream>>().FirstOrDefault();
        foreach (var captured in CapturedBy(endpointFactory?.Target))
        {
            if (captured is HttpListenerResponse listener)
            {
                return ListenerRequest(listener);
            }
            if (AspNetCoreResponse.For(captured.GetType()) is { } aspNetCore)
            {
                return aspNetCore.Request(captured);
            }
        }
        return null;
    }

    private static IEnumerable<object> CapturedBy(object? closure)
    {
        if (closure is null)
        {
            yield break;
        }
        foreach (var field in closure.GetType().GetFields(Fields))
        {
            if (field.GetValue(closure) is { } value)
            {
                yield return value;
            }
        }
    }

    /// <summary><c>MetricServer</c> reads no query parameter: only the header, as prometheus-net would if it negotiated.</summary>
    private static ScrapeRequest? ListenerRequest(HttpListenerResponse response) =>
        ListenerContext?.GetValue(response) is HttpListenerContext context
            ? new ScrapeRequest(context.Request.Headers["Accept"] ?? "", type => response.ContentType = type)
            : null;
}

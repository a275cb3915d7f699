using System.Collections.Concurrent;
using System.Reflection;

namespace Pytheus.Compat.PrometheusNet.Endpoints;

/// <summary>
/// Reads an ASP.NET Core <c>HttpResponse</c>'s request through reflection on its public API, so that this package does
/// not make every patched application reference ASP.NET Core: <c>HttpContext.Request.Headers["Accept"]</c>, overridden
/// by <c>Request.Query["accept"]</c> when present (as prometheus-net's middleware reads them), and <c>ContentType</c>.
/// </summary>
internal sealed class AspNetCoreResponse
{
    private const string ResponseTypeName = "Microsoft.AspNetCore.Http.HttpResponse";
    private static readonly ConcurrentDictionary<Type, AspNetCoreResponse?> ByType = new();

    private readonly PropertyInfo _httpContext;
    private readonly PropertyInfo _request;
    private readonly PropertyInfo _headers;
    private readonly PropertyInfo _headerValue;
    private readonly PropertyInfo _query;
    private readonly MethodInfo _queryHas;
    private readonly PropertyInfo _queryValue;
    private readonly PropertyInfo _contentType;

    private AspNetCoreResponse(Type response)
    {
        _httpContext = Property(response, "HttpContext");
        _contentType = Property(response, "ContentType");
        _request = Property(_httpContext.PropertyType, "Request");
        _headers = Property(_request.PropertyType, "Headers");
        _headerValue = Indexer(_headers.PropertyType);
        _query = Property(_request.PropertyType, "Query");
        _queryHas = _query.PropertyType.GetMethod("ContainsKey", [typeof(string)]) ?? throw new MissingMemberException(_query.PropertyType.Name, "ContainsKey");
        _queryValue = Indexer(_query.PropertyType);
    }

    /// <summary>The reader for responses of <paramref name="type"/>, or null if it is no ASP.NET Core response.</summary>
    public static AspNetCoreResponse? For(Type type) => ByType.GetOrAdd(type, static candidate =>
    {
        for (var current = candidate; current is not null; current = current.BaseType)
        {
            if (current.FullName == ResponseTypeName)
            {
                try
                {
                    return new AspNetCoreResponse(current);
                }
                catch (AmbiguousMatchException)
                {
                    return null;
                }
                catch (MissingMemberException)
                {
                    // An ASP.NET Core without this API: prometheus-net's middleware keeps its own formats.
                    return null;
                }
            }
        }
        return null;
    });

    public ScrapeRequest Request(object response)
    {
        var request = _request.GetValue(_httpContext.GetValue(response));
        var query = _query.GetValue(request);
        // StringValues' text joins several values with commas, as prometheus-net joins them.
        var accept = (bool)_queryHas.Invoke(query, ["accept"])!
            ? _queryValue.GetValue(query, ["accept"])?.ToString()
            : _headerValue.GetValue(_headers.GetValue(request), ["Accept"])?.ToString();
        return new ScrapeRequest(accept ?? "", type => _contentType.SetValue(response, type));
    }

    private static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Instance | BindingFlags.Public) ?? throw new MissingMemberException(type.Name, name);

    private static PropertyInfo Indexer(Type type) =>
        type.GetProperty("Item", [typeof(string)]) ?? throw new MissingMemberException(type.Name, "Item");
}

using System.IO.Compression;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>
/// A small HTTP endpoint on <see cref="HttpListener"/> (no other dependency): <c>GET</c>/<c>HEAD</c> on the metrics path
/// serve the registry in the Prometheus text format (OpenMetrics when the <c>Accept</c> header asks for it), gzip-compressed when the client accepts it; other paths answer 404. If the
/// backend cannot be read the answer is a 503 with a one-line error, never partial text.
/// </summary>
public sealed class MetricsServer : IDisposable, IAsyncDisposable
{
    private readonly string _prefix;
    private HttpListener _listener = new();
    private readonly CollectorRegistry? _registry;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Creates a server; call <see cref="Start"/> to listen.</summary>
    /// <param name="port">TCP port (0 is not supported by <see cref="HttpListener"/>: pick a free one).</param>
    /// <param name="host">Host to bind, e.g. <c>127.0.0.1</c>, <c>localhost</c> or <c>+</c> for every address.</param>
    /// <param name="path">The metrics path.</param>
    /// <param name="registry">The registry to serve; null means <see cref="CollectorRegistry.Default"/> at each request.</param>
    /// <param name="logger">Where scrape failures are logged.</param>
    public MetricsServer(int port, string host = "127.0.0.1", string path = "/metrics", CollectorRegistry? registry = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        _path = path.StartsWith('/') ? path.TrimEnd('/') : "/" + path.TrimEnd('/');
        _registry = registry;
        _logger = logger ?? NullLogger.Instance;
        _prefix = $"http://{host}:{port}/";
        _listener.Prefixes.Add(_prefix);
        if (host == "127.0.0.1")
        {
            // HttpListener matches the Host header against its prefixes: let `curl localhost:port` in too.
            _listener.Prefixes.Add($"http://localhost:{port}/");
        }
        Url = new Uri($"http://{(host is "+" or "*" ? "localhost" : host)}:{port}{_path}");
    }

    /// <summary>The URL metrics are served at.</summary>
    public Uri Url { get; }

    /// <summary>Starts listening and serving in the background.</summary>
    /// <exception cref="HttpListenerException">The address is in use.</exception>
    public MetricsServer Start()
    {
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e) when (_listener.Prefixes.Count > 1)
        {
            // "localhost" may also mean ::1, which can be taken when 127.0.0.1 is not: serve the address asked for alone.
            _logger.LogDebug(e, "Listening on {Prefix} only", _prefix);
            CloseQuietly();
            _listener = new HttpListener();
            _listener.Prefixes.Add(_prefix);
            _listener.Start();
        }
        _loop = Task.Run(ServeAsync);
        return this;
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            if (!string.Equals(request.Url?.AbsolutePath.TrimEnd('/'), _path, StringComparison.Ordinal))
            {
                await RespondAsync(response, HttpStatusCode.NotFound, "Not found. Metrics are served at " + _path + "\n").ConfigureAwait(false);
                return;
            }
            if (request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.AddHeader("Allow", "GET, HEAD");
                await RespondAsync(response, HttpStatusCode.MethodNotAllowed, "Method not allowed\n").ConfigureAwait(false);
                return;
            }

            using var body = new MemoryStream();
            var format = MetricsExposition.Negotiate(request.Headers["Accept"]);
            try
            {
                await MetricsExposition.WriteMetricsAsync(body, _registry, format, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Scrape of {Path} failed", _path);
                await RespondAsync(response, HttpStatusCode.ServiceUnavailable, $"Metrics are unavailable: {OneLine(e.Message)}\n").ConfigureAwait(false);
                return;
            }

            response.StatusCode = 200;
            response.ContentType = MetricsExposition.ContentType(format);
            body.Position = 0;
            var gzip = AcceptsGzip(request.Headers["Accept-Encoding"]);
            if (gzip)
            {
                response.AddHeader("Content-Encoding", "gzip");
                using var compressed = new MemoryStream();
                await using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                {
                    await body.CopyToAsync(zip).ConfigureAwait(false);
                }
                await SendAsync(response, request.HttpMethod, compressed).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(response, request.HttpMethod, body).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "Client went away during a scrape");
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogDebug(e, "Closing a scrape response failed");
            }
        }
    }

    private static async Task SendAsync(HttpListenerResponse response, string method, MemoryStream content)
    {
        response.ContentLength64 = content.Length;
        if (method == "HEAD")
        {
            return;
        }
        content.Position = 0;
        await content.CopyToAsync(response.OutputStream).ConfigureAwait(false);
    }

    private static async Task RespondAsync(HttpListenerResponse response, HttpStatusCode status, string text)
    {
        response.StatusCode = (int)status;
        response.ContentType = "text/plain; charset=utf-8";
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    // The error answer is one line whatever the exception's message holds.
    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static bool AcceptsGzip(string? acceptEncoding) =>
        acceptEncoding is not null && acceptEncoding.Split(',')
            .Select(part => part.Split(';'))
            .Any(p => p[0].Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase)
                && !(p.Length > 1 && p[1].Replace(" ", string.Empty, StringComparison.Ordinal) is "q=0" or "q=0.0"));

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        CloseQuietly();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by the listener's disposal; its exception carries no news.
        }
        _stopping.Dispose();
    }

    // Stopping HttpListener re-resolves its prefixes and can throw (e.g. "address already in use" for a host alias);
    // the listener is gone either way, and disposal must not throw.
    private void CloseQuietly()
    {
        try
        {
            if (_listener.IsListening)
            {
                _listener.Stop();
            }
            _listener.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "Closing the metrics listener failed");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

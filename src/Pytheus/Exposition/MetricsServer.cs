using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pytheus.Registry;

namespace Pytheus.Exposition;

/// <summary>
/// A small HTTP endpoint on <see cref="HttpListener"/> (no other dependency): <c>GET</c>/<c>HEAD</c> on the metrics path
/// serve the registry as negotiated by <see cref="ScrapeResponse"/> (Prometheus text or OpenMetrics, gzip when
/// accepted); other paths answer 404. It binds loopback (<c>127.0.0.1</c>) unless told otherwise.
/// </summary>
/// <remarks>
/// Built to stay up under load: concurrent requests share one collection and its rendered body (<see cref="SharedScrape"/>);
/// at most <see cref="MetricsServerOptions.MaxConcurrentRequests"/> answers are written at once, with at most <see cref="MetricsServerOptions.MaxQueuedRequests"/> waiting (more get 503 at once); a client reading
/// slower than <see cref="MetricsServerOptions.ResponseTimeout"/> is disconnected. If the backend cannot be read the
/// answer is 503 <see cref="ScrapeResponse.UnavailableText"/>, never partial text, and the cause goes to the log only.
/// </remarks>
public sealed class MetricsServer : IDisposable, IAsyncDisposable
{
    private readonly MetricsServerOptions _options;
    private readonly string _prefix;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly BasicAuthentication? _authentication;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SharedScrape _scrape;
    private readonly SemaphoreSlim _slots;
    private HttpListener _listener = new();
    private Task? _loop;
    private int _admitted;
    private int _writing;
    private int _peakWriting;
    private int _awaitingCollection;
    private long _rejected;
    private long _timedOut;

    /// <summary>Creates a server; call <see cref="Start"/> to listen.</summary>
    /// <param name="port">TCP port (0 is not supported by <see cref="HttpListener"/>: pick a free one).</param>
    /// <param name="host">Host to bind, e.g. <c>127.0.0.1</c>, <c>localhost</c> or <c>+</c> for every address.</param>
    /// <param name="path">The metrics path.</param>
    /// <param name="registry">The registry to serve; null means <see cref="CollectorRegistry.Default"/> at each request.</param>
    /// <param name="logger">Where scrape failures are logged.</param>
    public MetricsServer(int port, string host = "127.0.0.1", string path = "/metrics", CollectorRegistry? registry = null, ILogger? logger = null)
        : this(new MetricsServerOptions { Port = port, Host = host, Path = path, Registry = registry }, logger)
    {
    }

    /// <summary>Creates a server from options; call <see cref="Start"/> to listen.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The port, a limit or the timeout is not positive.</exception>
    /// <exception cref="ArgumentException">Only one of the basic-authentication user name and password is set.</exception>
    public MetricsServer(MetricsServerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Port);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxConcurrentRequests);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxQueuedRequests);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ResponseTimeout, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrEmpty(options.Host);
        ArgumentNullException.ThrowIfNull(options.Path);
        _options = options;
        _authentication = BasicAuthentication.FromOptions(options.BasicAuthenticationUserName, options.BasicAuthenticationPassword, nameof(options));
        _path = options.Path.StartsWith('/') ? options.Path.TrimEnd('/') : "/" + options.Path.TrimEnd('/');
        _logger = logger ?? NullLogger.Instance;
        var registry = options.Registry;
        _scrape = new SharedScrape(() => registry ?? CollectorRegistry.Default, _stopping.Token);
        _slots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        var host = options.Host;
        _prefix = $"http://{host}:{options.Port}/";
        _listener.Prefixes.Add(_prefix);
        if (host == "127.0.0.1")
        {
            // HttpListener matches the Host header against its prefixes: let `curl localhost:port` in too.
            _listener.Prefixes.Add($"http://localhost:{options.Port}/");
        }
        Url = new Uri($"http://{(host is "+" or "*" ? "localhost" : host)}:{options.Port}{_path}");
    }

    /// <summary>The URL metrics are served at.</summary>
    public Uri Url { get; }

    /// <summary>Load figures, for tests: how the limits held.</summary>
    internal (long Collections, int PeakConcurrentResponses, long Rejected, long TimedOut, int Admitted, int AwaitingCollection) Statistics =>
        (_scrape.Collections, Volatile.Read(ref _peakWriting), Interlocked.Read(ref _rejected), Interlocked.Read(ref _timedOut),
            Volatile.Read(ref _admitted), Volatile.Read(ref _awaitingCollection));

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
            MetricsServerLog.SinglePrefix(_logger, e, _prefix);
            CloseQuietly();
            _listener = new HttpListener();
            _listener.Prefixes.Add(_prefix);
            _listener.Start();
        }
        if (_authentication is null && !HostNames.IsLoopback(_options.Host))
        {
            MetricsServerLog.Exposed(_logger, Url);
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
        var request = context.Request;
        var response = context.Response;
        try
        {
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
            if (_authentication is not null && !_authentication.IsAuthorized(request.Headers["Authorization"]))
            {
                response.AddHeader("WWW-Authenticate", BasicAuthentication.Challenge);
                await RespondAsync(response, HttpStatusCode.Unauthorized, "Unauthorized\n").ConfigureAwait(false);
                return;
            }
            await AdmitAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            MetricsServerLog.ClientGone(_logger, e);
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                MetricsServerLog.CloseFailed(_logger, e);
            }
        }
    }

    // Waiting requests hold only their context; beyond the queue's bound the answer is 503 at once, so a flood of
    // clients cannot pile up work or memory.
    private async Task AdmitAsync(HttpListenerContext context)
    {
        var slots = _options.MaxConcurrentRequests;
        var admitted = Interlocked.Increment(ref _admitted);
        try
        {
            if (admitted > slots + _options.MaxQueuedRequests)
            {
                Interlocked.Increment(ref _rejected);
                MetricsServerLog.Overloaded(_logger, _path, admitted - 1 - slots, slots);
                context.Response.AddHeader("Retry-After", "1");
                await RespondAsync(context.Response, HttpStatusCode.ServiceUnavailable, "Metrics are unavailable: too many concurrent scrapes.\n")
                    .ConfigureAwait(false);
                return;
            }
            await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                var writing = Interlocked.Increment(ref _writing);
                InterlockedMax(ref _peakWriting, writing);
                await AnswerAsync(context).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _writing);
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var answer = ScrapeResponse.Negotiate(request.Headers["Accept"], request.Headers["Accept-Encoding"], _options.EnableCompression);
        ReadOnlyMemory<byte> body;
        Interlocked.Increment(ref _awaitingCollection);
        try
        {
            var scrape = await _scrape.CollectAsync().ConfigureAwait(false);
            body = await scrape.BodyAsync(answer).ConfigureAwait(false);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            MetricsServerLog.ScrapeFailed(_logger, e, _path);
            await RespondAsync(response, HttpStatusCode.ServiceUnavailable, ScrapeResponse.UnavailableText).ConfigureAwait(false);
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _awaitingCollection);
        }

        response.StatusCode = 200;
        response.ContentType = answer.ContentType;
        response.AddHeader("Vary", ScrapeResponse.Vary);
        response.AddHeader("Cache-Control", "no-store");
        if (answer.ContentEncoding is { } encoding)
        {
            response.AddHeader("Content-Encoding", encoding);
        }
        response.ContentLength64 = body.Length;
        if (request.HttpMethod == "HEAD")
        {
            return;
        }
        // HttpListener's stream ignores cancellation while the socket is full, so the timeout aborts the connection,
        // which ends the pending write (quietly: the listener's stream then reports success). With a known length, not
        // chunked: closing a chunked response would first write its last chunk to the stalled socket, and block.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_options.ResponseTimeout);
        try
        {
            using (timeout.Token.Register(static r => ((HttpListenerResponse)r!).Abort(), response))
            {
                await response.OutputStream.WriteAsync(body, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception) when (timeout.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            // Whatever the aborted write threw, its cause is the abort, counted below.
        }
        if (timeout.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timedOut);
            MetricsServerLog.SlowClient(_logger, _path, _options.ResponseTimeout);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private static async Task RespondAsync(HttpListenerResponse response, HttpStatusCode status, string text)
    {
        response.StatusCode = (int)status;
        response.ContentType = ScrapeResponse.PlainTextContentType;
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
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
            MetricsServerLog.CloseFailed(_logger, e);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

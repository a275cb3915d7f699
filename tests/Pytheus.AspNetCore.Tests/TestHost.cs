using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pytheus.AspNetCore.Tests;

/// <summary>A real Kestrel host on a free loopback port, with an HTTP client pointed at it.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private TestHost(WebApplication app, Uri address, LogSink logs)
    {
        App = app;
        Address = address;
        Logs = logs;
        Client = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public LogSink Logs { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<TestHost> StartAsync(
        Action<WebApplicationBuilder> configureServices, Action<WebApplication> configureApp, string? contentRoot = null,
        int shutdownTimeoutSeconds = 5)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
        });
        var logs = new LogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.WebHost.UseSetting(WebHostDefaults.ShutdownTimeoutKey, shutdownTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        configureServices(builder);
        var app = builder.Build();
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        configureApp(app);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new TestHost(app, address, logs);
    }

    /// <summary>Scrapes the endpoint at <paramref name="path"/> and returns the text.</summary>
    public Task<string> ScrapeAsync(string path = "/metrics") => Client.GetStringAsync(path);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_stopped)
        {
            await App.StopAsync();
        }
        await App.DisposeAsync();
    }

    public async Task StopAsync()
    {
        _stopped = true;
        await App.StopAsync();
    }

    private bool _stopped;
}

/// <summary>Keeps every log entry written through it.</summary>
internal sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Sink(LogSink owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}

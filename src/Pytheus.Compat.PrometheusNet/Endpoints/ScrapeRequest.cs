namespace Pytheus.Compat.PrometheusNet.Endpoints;

/// <summary>
/// The HTTP scrape one prometheus-net export answers: what the scraper accepts (its <c>Accept</c> header, or for the
/// ASP.NET Core middleware the <c>?accept=</c> query parameter that overrides it, as prometheus-net reads them), and
/// how to change the answer's content type once prometheus-net has set its own, before anything is written.
/// </summary>
internal sealed record ScrapeRequest(string Accept, Action<string> SetContentType);

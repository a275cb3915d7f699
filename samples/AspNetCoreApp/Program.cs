// A new ASP.NET Core service written with Pytheus: backend from configuration ("Pytheus" section of appsettings.json,
// overridable by environment, e.g. Pytheus__Backend=Redis), HTTP metrics by route template, /metrics, a health check,
// and .NET's own meters exported through the same backend.
using Pytheus.AspNetCore;
using Pytheus.Metrics;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPytheus(builder.Configuration.GetSection("Pytheus"));
builder.Services.AddHealthChecks().AddPytheus();
builder.Services.AddPytheusMeterBridge(o => o.Meters.Add("Microsoft.AspNetCore.Hosting"));

var app = builder.Build();
app.UsePytheusHttpMetrics();
app.MapPytheusMetrics("/metrics");          // unauthenticated: protect it with .RequireAuthorization(...) in production
app.MapHealthChecks("/healthz");

// The injected factory is bound to the configured backend and registry: no dependency on start-up order.
var metrics = app.Services.GetRequiredService<IMetricFactory>();
var orders = metrics.CreateCounter("orders_total", "Orders placed", requiredLabels: ["kind"]);
var basket = metrics.CreateHistogram("basket_items", "Items per order", buckets: [1, 2, 5, 10, 20]);
app.MapPost("/orders/{kind}", (string kind, int? items) =>
{
    orders.Labels(("kind", kind)).Inc();
    basket.Observe(items ?? 1);
    return Results.Accepted();
});
app.MapGet("/", () => "POST /orders/{kind}?items=3, then GET /metrics\n");
app.Run();

using Pytheus.Backends;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Errors;

/// <summary>
/// Usage errors are <see cref="ArgumentException"/>s (and still <see cref="PytheusException"/>s) naming the parameter
/// at fault; observing a metric that lacks label values is an <see cref="InvalidOperationException"/>.
/// </summary>
public class ExceptionShapeTests
{
    private readonly CollectorRegistry _registry = new();

    public static TheoryData<string, Type, string?> UsageErrors => new()
    {
        { "metric name", typeof(InvalidMetricNameException), "name" },
        { "registry prefix", typeof(InvalidMetricNameException), "prefix" },
        { "label name", typeof(LabelValidationException), "requiredLabels" },
        { "unknown default label", typeof(LabelValidationException), "defaultLabels" },
        { "unknown label", typeof(LabelValidationException), "labels" },
        { "label value count", typeof(LabelValidationException), "values" },
        { "negative increment", typeof(InvalidMetricValueException), "amount" },
        { "negative observation count", typeof(InvalidMetricValueException), "count" },
        { "decreasing buckets", typeof(BucketException), "buckets" },
        { "conflicting definition", typeof(MetricConflictException), null },
        { "conflicting registration", typeof(MetricConflictException), "metric" },
        { "backend config", typeof(InvalidBackendConfigException), null },
        { "backend class", typeof(InvalidBackendClassException), null },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Usage_errors_are_argument_exceptions_of_their_specific_type_naming_the_parameter(
        string error, Type expectedType, string? paramName)
    {
        ArgumentException? caught = null;
        try
        {
            Cause(error);
        }
        catch (ArgumentException e)
        {
            caught = e;
        }

        caught.ShouldNotBeNull();
        caught.GetType().ShouldBe(expectedType);
        caught.ShouldBeAssignableTo<PytheusException>();
        caught.ParamName.ShouldBe(paramName);
    }

    [Fact]
    public void The_message_still_names_the_item_at_fault_and_the_parameter()
    {
        var e = Should.Throw<LabelValidationException>(() => new Counter("requests_total", "d", ["method"], registry: _registry).Labels(("verb", "GET")));

        e.Message.ShouldContain("'requests_total'");
        e.Message.ShouldContain("'verb'");
        e.Message.ShouldContain("(Parameter 'labels')");
    }

    [Fact]
    public void Observing_a_metric_without_its_label_values_is_an_invalid_operation()
    {
        var counter = new Counter("requests_total", "d", ["method"], registry: _registry);

        InvalidOperationException? caught = null;
        try
        {
            counter.Inc();
        }
        catch (InvalidOperationException e)
        {
            caught = e;
        }

        caught.ShouldBeOfType<UnobservableMetricException>().Message.ShouldContain("'method'");
        counter.Labels(("method", "GET")).Get().ShouldBe(0);
    }

    private void Cause(string error)
    {
        switch (error)
        {
            case "metric name":
                _ = new Counter("bad name", "d", registry: _registry);
                break;
            case "registry prefix":
                _ = new CollectorRegistry("9lives");
                break;
            case "label name":
                _ = new Counter("c", "d", ["__reserved"], registry: _registry);
                break;
            case "unknown default label":
                _ = new Counter("c", "d", ["a"], new Dictionary<string, string> { ["b"] = "x" }, registry: _registry);
                break;
            case "unknown label":
                _ = new Counter("c", "d", ["a"], registry: _registry).Labels(("b", "x"));
                break;
            case "label value count":
                _ = new Counter("c", "d", ["a"], registry: _registry).WithLabelValues("x", "y");
                break;
            case "negative increment":
                new Counter("c", "d", registry: _registry).Inc(-1);
                break;
            case "negative observation count":
                new Histogram("h", "d", registry: _registry).Observe(1, -1);
                break;
            case "decreasing buckets":
                _ = new Histogram("h", "d", buckets: [2, 1], registry: _registry);
                break;
            case "conflicting definition":
                _ = new Counter("c", "d", registry: _registry);
                _ = new Counter("c", "d", ["a"], registry: _registry);
                break;
            case "conflicting registration":
                _ = new Counter("c", "d", registry: _registry);
                // The same definition, but another metric object than the one registered under the name.
                _registry.Register(new Counter("c", "d", registry: CollectorRegistry.None));
                break;
            case "backend config":
                _ = BackendConfig.FromJson("not json");
                break;
            case "backend class":
                _ = Backend.ResolveType("No.Such.Backend");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(error), error, "no such case");
        }
    }
}

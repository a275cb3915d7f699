using System.Runtime.CompilerServices;
using Pytheus.Exposition;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

public class CounterTests
{
    private readonly CollectorRegistry _registry = new();

    private Counter NewCounter(string name = "errors_total") => new(name, "Errors", registry: _registry);

    [Fact]
    public void Has_counter_type_and_starts_at_zero()
    {
        var counter = NewCounter();

        counter.Type.ShouldBe(MetricType.Counter);
        counter.Get().ShouldBe(0);
    }

    [Fact]
    public void Inc_adds_one_by_default_and_the_given_amount_otherwise()
    {
        var counter = NewCounter();

        counter.Inc();
        counter.Get().ShouldBe(1);
        counter.Inc(7.2);
        counter.Get().ShouldBe(8.2);
        counter.Inc(0);
        counter.Get().ShouldBe(8.2);
    }

    [Theory]
    [InlineData(-1, "-1")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(-1e-300, "-1e-300")]
    public void Inc_rejects_a_negative_amount_naming_metric_and_value(double amount, string shown)
    {
        var counter = NewCounter();
        counter.Inc(3);

        var e = Should.Throw<InvalidMetricValueException>(() => counter.Inc(amount));

        e.Message.ShouldContain("'errors_total'");
        e.Message.ShouldContain(shown);
        counter.Get().ShouldBe(3);
    }

    [Fact]
    public void Inc_rejects_NaN_naming_metric_and_value()
    {
        var counter = NewCounter();
        counter.Inc(3);

        var e = Should.Throw<InvalidMetricValueException>(() => counter.Inc(double.NaN));

        e.Message.ShouldContain("'errors_total'");
        e.Message.ShouldContain("NaN");
        counter.Get().ShouldBe(3);
    }

    [Fact]
    public void CountExceptions_counts_an_exception_thrown_by_an_action_and_rethrows_the_same_instance()
    {
        var counter = NewCounter();
        var thrown = new InvalidOperationException("boom");

        var caught = Should.Throw<InvalidOperationException>(() => counter.CountExceptions(() => Fail(thrown)));

        caught.ShouldBeSameAs(thrown);
        caught.Message.ShouldBe("boom");
        counter.Get().ShouldBe(1);
    }

    [Fact]
    public void CountExceptions_preserves_the_original_stack_trace()
    {
        var counter = NewCounter();

        var caught = Should.Throw<InvalidOperationException>(() => counter.CountExceptions(ThrowFromNamedMethod));

        caught.StackTrace.ShouldNotBeNull();
        caught.StackTrace.ShouldContain(nameof(ThrowFromNamedMethod));
        caught.InnerException.ShouldBeNull();
    }

    [Fact]
    public void CountExceptions_counts_nothing_when_the_action_succeeds()
    {
        var counter = NewCounter();
        var ran = 0;

        counter.CountExceptions(() => ran++);
        counter.CountExceptions(() => ran++, Counter.ExceptionsOf(typeof(Exception)));

        ran.ShouldBe(2);
        counter.Get().ShouldBe(0);
    }

    [Fact]
    public void CountExceptions_counts_once_per_throwing_call()
    {
        var counter = NewCounter();

        for (var i = 0; i < 3; i++)
        {
            Should.Throw<InvalidOperationException>(() => counter.CountExceptions(() => Fail(new InvalidOperationException())));
        }

        counter.Get().ShouldBe(3);
    }

    [Fact]
    public void Generic_CountExceptions_counts_only_the_given_exception_type_and_its_subtypes()
    {
        var counter = NewCounter();

        Should.Throw<ArgumentNullException>(() => counter.CountExceptions<ArgumentException>(() => Fail(new ArgumentNullException("x"))));
        Should.Throw<ArgumentException>(() => counter.CountExceptions<ArgumentException>(() => Fail(new ArgumentException("x"))));
        Should.Throw<InvalidOperationException>(() => counter.CountExceptions<ArgumentException>(() => Fail(new InvalidOperationException())));

        counter.Get().ShouldBe(2);
    }

    [Fact]
    public void Generic_CountExceptions_with_a_throwing_lambda_counts_only_the_given_exception_type()
    {
        var counter = NewCounter();

        Should.Throw<InvalidOperationException>(() => counter.CountExceptions<ArgumentException>(() => throw new InvalidOperationException()));
        Should.Throw<InvalidOperationException>(() => counter.CountExceptions<ArgumentException>(() => { throw new InvalidOperationException(); }));
        Should.Throw<ArgumentException>(() => counter.CountExceptions<ArgumentException>(() => throw new ArgumentException()));

        counter.Get().ShouldBe(1);
    }

    [Fact]
    public void Generic_CountExceptions_rethrows_a_non_matching_exception_unchanged()
    {
        var counter = NewCounter();
        var thrown = new KeyNotFoundException("missing");

        var caught = Should.Throw<KeyNotFoundException>(() => counter.CountExceptions<IndexOutOfRangeException>(() => Fail(thrown)));

        caught.ShouldBeSameAs(thrown);
        counter.Get().ShouldBe(0);
    }

    [Fact]
    public void CountExceptions_with_a_func_returns_its_result_or_counts_its_exception()
    {
        var counter = NewCounter();
        var thrown = new FormatException("bad");

        counter.CountExceptions(() => 42).ShouldBe(42);
        var caught = Should.Throw<FormatException>(() => counter.CountExceptions<int>(() => throw thrown));

        caught.ShouldBeSameAs(thrown);
        counter.Get().ShouldBe(1);
    }

    [Fact]
    public void CountExceptions_with_a_func_and_a_filter_counts_only_what_the_filter_accepts()
    {
        var counter = NewCounter();

        Should.Throw<FormatException>(() => counter.CountExceptions<int>(() => throw new FormatException(), e => e is FormatException));
        Should.Throw<TimeoutException>(() => counter.CountExceptions<int>(() => throw new TimeoutException(), e => e is FormatException));

        counter.Get().ShouldBe(1);
    }

    [Fact]
    public void CountExceptions_with_a_predicate_filter_counts_only_what_it_accepts()
    {
        var counter = NewCounter();
        Func<Exception, bool> onlyTimeouts = e => e.Message.Contains("timeout", StringComparison.Ordinal);

        Should.Throw<IOException>(() => counter.CountExceptions(() => Fail(new IOException("timeout")), onlyTimeouts));
        Should.Throw<IOException>(() => counter.CountExceptions(() => Fail(new IOException("refused")), onlyTimeouts));

        counter.Get().ShouldBe(1);
    }

    [Fact]
    public void ExceptionsOf_accepts_any_of_the_types_and_their_subtypes()
    {
        var counter = NewCounter();
        var filter = Counter.ExceptionsOf(typeof(IndexOutOfRangeException), typeof(ArgumentException));

        Should.Throw<IndexOutOfRangeException>(() => counter.CountExceptions(() => Fail(new IndexOutOfRangeException()), filter));
        Should.Throw<ArgumentOutOfRangeException>(() => counter.CountExceptions(() => Fail(new ArgumentOutOfRangeException()), filter));
        Should.Throw<KeyNotFoundException>(() => counter.CountExceptions(() => Fail(new KeyNotFoundException()), filter));

        counter.Get().ShouldBe(2);
    }

    [Fact]
    public async Task CountExceptionsAsync_counts_an_exception_of_an_async_function_and_rethrows_the_same_instance()
    {
        var counter = NewCounter();
        var thrown = new InvalidOperationException("async boom");

        var caught = await Should.ThrowAsync<InvalidOperationException>(() => counter.CountExceptionsAsync(async () =>
        {
            await Task.Yield();
            throw thrown;
        }));

        caught.ShouldBeSameAs(thrown);
        counter.Get().ShouldBe(1);
    }

    [Fact]
    public async Task CountExceptionsAsync_counts_an_exception_thrown_before_the_first_await()
    {
        var counter = NewCounter();

        await Should.ThrowAsync<InvalidOperationException>(() => counter.CountExceptionsAsync(() => throw new InvalidOperationException()));

        counter.Get().ShouldBe(1);
    }

    [Fact]
    public async Task CountExceptionsAsync_with_a_result_returns_it_or_counts_the_exception()
    {
        var counter = NewCounter();
        var thrown = new TimeoutException();

        (await counter.CountExceptionsAsync(async () =>
        {
            await Task.Yield();
            return "ok";
        })).ShouldBe("ok");
        var caught = await Should.ThrowAsync<TimeoutException>(() => counter.CountExceptionsAsync<string>(async () =>
        {
            await Task.Yield();
            throw thrown;
        }));

        caught.ShouldBeSameAs(thrown);
        counter.Get().ShouldBe(1);
    }

    [Fact]
    public async Task CountExceptionsAsync_with_a_filter_ignores_non_matching_exceptions()
    {
        var counter = NewCounter();
        var filter = Counter.ExceptionsOf(typeof(IndexOutOfRangeException), typeof(ArgumentException));

        await Should.ThrowAsync<ArgumentException>(() => counter.CountExceptionsAsync(async () =>
        {
            await Task.Yield();
            throw new ArgumentException("x");
        }, filter));
        await Should.ThrowAsync<KeyNotFoundException>(() => counter.CountExceptionsAsync(async () =>
        {
            await Task.Yield();
            throw new KeyNotFoundException();
        }, filter));
        await Should.ThrowAsync<KeyNotFoundException>(() => counter.CountExceptionsAsync<int>(async () =>
        {
            await Task.Yield();
            throw new KeyNotFoundException();
        }, filter));

        counter.Get().ShouldBe(1);
    }

    [Fact]
    public async Task Two_wrapped_async_functions_count_into_the_same_counter()
    {
        var counter = NewCounter();

        Task First() => counter.CountExceptionsAsync(async () => { await Task.Yield(); throw new InvalidOperationException(); });
        Task Second() => counter.CountExceptionsAsync(async () => { await Task.Yield(); throw new InvalidOperationException(); });
        await Should.ThrowAsync<InvalidOperationException>(First);
        await Should.ThrowAsync<InvalidOperationException>(Second);

        counter.Get().ShouldBe(2);
    }

    [Fact]
    public void CountExceptions_on_an_unobservable_counter_throws_before_running_the_body()
    {
        var counter = new Counter("by_kind_total", "By kind", ["kind"], registry: _registry);
        var ran = false;

        Should.Throw<UnobservableMetricException>(() => counter.CountExceptions(() => ran = true));

        ran.ShouldBeFalse();
    }

    [Fact]
    public void Exposes_the_counted_value()
    {
        var counter = NewCounter();
        counter.Inc(2);
        Should.Throw<InvalidOperationException>(() => counter.CountExceptions(() => Fail(new InvalidOperationException())));

        MetricsExposition.GenerateMetrics(_registry).ShouldBe("# HELP errors_total Errors\n# TYPE errors_total counter\nerrors_total 3\n");
    }

    private static void Fail(Exception e) => throw e;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromNamedMethod() => throw new InvalidOperationException("deep");
}

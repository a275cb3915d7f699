using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Metrics;

public class GaugeTests
{
    private static readonly TimeSpan Nap = TimeSpan.FromMilliseconds(20);
    private readonly CollectorRegistry _registry = new();

    private Gauge NewGauge() => new("in_flight", "In flight", registry: _registry);

    [Fact]
    public void Has_gauge_type_and_starts_at_zero()
    {
        var gauge = NewGauge();

        gauge.Type.ShouldBe(MetricType.Gauge);
        gauge.Get().ShouldBe(0);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7.2, 7.2)]
    [InlineData(-7.2, -7.2)]
    public void Inc_adds_the_amount_which_may_be_negative(double amount, double expected)
    {
        var gauge = NewGauge();

        gauge.Inc(amount);

        gauge.Get().ShouldBe(expected);
    }

    [Fact]
    public void Inc_and_Dec_default_to_one()
    {
        var gauge = NewGauge();

        gauge.Inc();
        gauge.Inc();
        gauge.Dec();

        gauge.Get().ShouldBe(1);
    }

    [Theory]
    [InlineData(1, -1)]
    [InlineData(7.2, -7.2)]
    [InlineData(-7.2, 7.2)]
    public void Dec_subtracts_the_amount(double amount, double expected)
    {
        var gauge = NewGauge();

        gauge.Dec(amount);

        gauge.Get().ShouldBe(expected);
    }

    [Theory]
    [InlineData(5.2)]
    [InlineData(-5.2)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Set_replaces_the_value(double value)
    {
        var gauge = NewGauge();
        gauge.Inc(3);

        gauge.Set(value);

        gauge.Get().ShouldBe(value);
    }

    [Fact]
    public void SetToCurrentTime_sets_unix_seconds_between_timestamps_taken_before_and_after()
    {
        var gauge = NewGauge();

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        gauge.SetToCurrentTime();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        gauge.Get().ShouldBeGreaterThanOrEqualTo(before);
        gauge.Get().ShouldBeLessThanOrEqualTo(after);
    }

    [Fact]
    public void TrackInProgress_scope_is_one_inside_and_zero_after()
    {
        var gauge = NewGauge();

        using (gauge.TrackInProgress())
        {
            gauge.Get().ShouldBe(1);
        }

        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void Nested_TrackInProgress_scopes_count_two_inside()
    {
        var gauge = NewGauge();

        using (gauge.TrackInProgress())
        {
            using (gauge.TrackInProgress())
            {
                gauge.Get().ShouldBe(2);
            }
            gauge.Get().ShouldBe(1);
        }

        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void TrackInProgress_scope_decrements_when_the_body_throws()
    {
        var gauge = NewGauge();

        Should.Throw<InvalidOperationException>(() =>
        {
            using var scope = gauge.TrackInProgress();
            throw new InvalidOperationException();
        });

        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void Disposing_a_TrackInProgress_scope_twice_decrements_once()
    {
        var gauge = NewGauge();

        var scope = gauge.TrackInProgress();
        scope.Dispose();
        scope.Dispose();

        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void TrackInProgress_with_an_action_is_one_inside_and_zero_after_also_on_exception()
    {
        var gauge = NewGauge();
        var inside = double.NaN;

        gauge.TrackInProgress(() => { inside = gauge.Get(); });
        inside.ShouldBe(1);
        gauge.Get().ShouldBe(0);

        var thrown = new InvalidOperationException();
        Should.Throw<InvalidOperationException>(() => gauge.TrackInProgress(() => throw thrown)).ShouldBeSameAs(thrown);
        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void TrackInProgress_with_a_func_returns_its_result()
    {
        var gauge = NewGauge();

        gauge.TrackInProgress(() => gauge.Get()).ShouldBe(1);

        gauge.Get().ShouldBe(0);
        Should.Throw<FormatException>(() => gauge.TrackInProgress<int>(() => throw new FormatException()));
        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public async Task TrackInProgressAsync_is_one_while_awaiting_and_zero_after_also_on_exception()
    {
        var gauge = NewGauge();
        var release = new TaskCompletionSource();

        var running = gauge.TrackInProgressAsync(() => release.Task);
        gauge.Get().ShouldBe(1);
        release.SetResult();
        await running;
        gauge.Get().ShouldBe(0);

        await Should.ThrowAsync<InvalidOperationException>(() => gauge.TrackInProgressAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException();
        }));
        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public async Task TrackInProgressAsync_with_a_result_returns_it_and_restores_zero_on_exception()
    {
        var gauge = NewGauge();

        (await gauge.TrackInProgressAsync(async () =>
        {
            await Task.Yield();
            return gauge.Get();
        })).ShouldBe(1);
        gauge.Get().ShouldBe(0);

        await Should.ThrowAsync<TimeoutException>(() => gauge.TrackInProgressAsync<int>(async () =>
        {
            await Task.Yield();
            throw new TimeoutException();
        }));
        gauge.Get().ShouldBe(0);
    }

    [Fact]
    public void Time_scope_sets_the_elapsed_seconds()
    {
        var gauge = NewGauge();

        using (gauge.Time())
        {
            Waits.AtLeast(Nap);
        }

        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);
    }

    [Fact]
    public void Time_scope_sets_the_elapsed_seconds_when_the_body_throws()
    {
        var gauge = NewGauge();

        Should.Throw<InvalidOperationException>(() =>
        {
            using var timer = gauge.Time();
            Waits.AtLeast(Nap);
            throw new InvalidOperationException();
        });

        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);
    }

    [Fact]
    public void Time_holds_the_last_duration_not_a_sum()
    {
        var gauge = NewGauge();
        gauge.Set(1000);

        using (gauge.Time())
        {
            Waits.AtLeast(Nap);
        }

        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);
        gauge.Get().ShouldBeLessThan(1000);
    }

    [Fact]
    public void Time_with_an_action_or_func_sets_the_elapsed_seconds_also_on_exception()
    {
        var gauge = NewGauge();

        gauge.Time(() => Waits.AtLeast(Nap));
        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);

        gauge.Set(0);
        gauge.Time(() => { Waits.AtLeast(Nap); return 5; }).ShouldBe(5);
        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);

        gauge.Set(0);
        Should.Throw<InvalidOperationException>(() => gauge.Time(() => { Waits.AtLeast(Nap); throw new InvalidOperationException(); }));
        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);
    }

    [Fact]
    public async Task TimeAsync_sets_the_elapsed_seconds_also_on_exception()
    {
        var gauge = NewGauge();

        await gauge.TimeAsync(() => Waits.AtLeastAsync(Nap));
        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);

        gauge.Set(0);
        (await gauge.TimeAsync(async () => { await Waits.AtLeastAsync(Nap); return "r"; })).ShouldBe("r");
        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);

        gauge.Set(0);
        await Should.ThrowAsync<InvalidOperationException>(() => gauge.TimeAsync(async () =>
        {
            await Waits.AtLeastAsync(Nap);
            throw new InvalidOperationException();
        }));
        gauge.Get().ShouldBeGreaterThanOrEqualTo(Nap.TotalSeconds);
    }

    [Fact]
    public void Operations_on_an_unobservable_gauge_throw_and_delegates_do_not_run()
    {
        var gauge = new Gauge("queue_length", "Queue", ["queue"], registry: _registry);
        var ran = false;

        Should.Throw<UnobservableMetricException>(() => gauge.Inc());
        Should.Throw<UnobservableMetricException>(() => gauge.Dec());
        Should.Throw<UnobservableMetricException>(() => gauge.Set(1));
        Should.Throw<UnobservableMetricException>(() => gauge.SetToCurrentTime());
        Should.Throw<UnobservableMetricException>(() => gauge.TrackInProgress());
        Should.Throw<UnobservableMetricException>(() => gauge.Time());
        Should.Throw<UnobservableMetricException>(() => gauge.TrackInProgress(() => ran = true));
        Should.Throw<UnobservableMetricException>(() => gauge.Time(() => ran = true));

        ran.ShouldBeFalse();
    }
}

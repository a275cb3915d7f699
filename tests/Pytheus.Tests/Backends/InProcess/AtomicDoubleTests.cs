using Pytheus.Backends;
using Pytheus.Backends.InProcess;

namespace Pytheus.Tests.Backends.InProcess;

public class AtomicDoubleTests
{
    [Fact]
    public void Starts_at_zero_and_supports_inc_dec_set_get()
    {
        var value = new AtomicDouble();
        value.Get().ShouldBe(0);

        value.Inc(1);
        value.Get().ShouldBe(1);
        value.Dec(3);
        value.Get().ShouldBe(-2);
        value.Set(2.5);
        value.Get().ShouldBe(2.5);
        ((IValueStore)value).Dec(0.5);
        value.Get().ShouldBe(2);
    }

    [Fact]
    public void Keeps_special_values()
    {
        var value = new AtomicDouble();

        value.Set(double.NaN);
        double.IsNaN(value.Get()).ShouldBeTrue();
        value.Set(-0.0);
        double.IsNegative(value.Get()).ShouldBeTrue();
        value.Set(double.PositiveInfinity);
        value.Inc(1);
        value.Get().ShouldBe(double.PositiveInfinity);
    }

    [Fact]
    public void Is_exact_under_contention()
    {
        var value = new AtomicDouble();
        const int threads = 4;
        const int perThread = 1_000_000;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                if (t % 2 == 0)
                {
                    value.Inc(0.5);
                }
                else
                {
                    value.Inc(1.5);
                    value.Dec(0.5);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        value.Get().ShouldBe(2 * perThread * 0.5 + 2 * perThread * 1.0);
    }
}

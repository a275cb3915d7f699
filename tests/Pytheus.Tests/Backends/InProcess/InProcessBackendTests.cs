using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Backends.InProcess;

public class InProcessBackendTests
{
    [Fact]
    public void Accepts_an_empty_configuration()
    {
        Should.NotThrow(() => new InProcessBackend(BackendConfig.Empty));
        Should.NotThrow(() => new InProcessBackend());
    }

    [Fact]
    public void Rejects_unknown_configuration_keys_naming_them()
    {
        var e = Should.Throw<InvalidBackendConfigException>(() => new InProcessBackend(new BackendConfig { ["host"] = "localhost" }));

        e.Message.ShouldContain(nameof(InProcessBackend));
        e.Message.ShouldContain("'host'");
    }

    [Fact]
    public void Gives_every_value_its_own_store()
    {
        var backend = new InProcessBackend();
        var registry = new CollectorRegistry();
        var counter = new Counter("c_total", "C", ["k"], registry: registry, backend: backend);

        counter.Labels(("k", "a")).Inc();
        counter.Labels(("k", "b")).Inc(5);

        counter.Labels(("k", "a")).Get().ShouldBe(1);
        counter.Labels(("k", "b")).Get().ShouldBe(5);
        counter.Family.Backend.ShouldBeSameAs(backend);
    }
}

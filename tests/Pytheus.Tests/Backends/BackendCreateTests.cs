using Pytheus.Backends;

namespace Pytheus.Tests.Backends;

/// <summary><see cref="Backend.Create"/> is the one way a backend is constructed from a type, and it leaves the current backend alone.</summary>
[Collection("Globals")]
public sealed class BackendCreateTests
{
    [Fact]
    public void Create_constructs_with_the_config_without_making_the_backend_current()
    {
        var before = Backend.Current;

        var created = Backend.Create(typeof(PortReadingBackend), new BackendConfig { ["port"] = 7003 });

        created.ShouldBeOfType<PortReadingBackend>().Port.ShouldBe(7003);
        Backend.Current.ShouldBeSameAs(before);
    }

    [Fact]
    public void A_failing_constructor_is_wrapped_naming_the_class_with_its_error_inside()
    {
        var e = Should.Throw<InvalidBackendConfigException>(() => Backend.Create(typeof(ExplodingBackend)));

        e.Message.ShouldContain(nameof(ExplodingBackend));
        e.Message.ShouldContain("cannot reach the store");
        e.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public void A_bad_setting_keeps_its_own_exception_naming_the_key()
    {
        Should.Throw<InvalidBackendConfigException>(() => Backend.Create(typeof(PortReadingBackend), new BackendConfig { ["port"] = "x" }))
            .Message.ShouldContain("'port'");
    }

    [Fact]
    public void A_type_without_a_usable_constructor_or_not_a_backend_is_refused_naming_it()
    {
        Should.Throw<InvalidBackendClassException>(() => Backend.Create(typeof(NoUsableConstructorBackend)))
            .Message.ShouldContain(nameof(NoUsableConstructorBackend));
        Should.Throw<InvalidBackendClassException>(() => Backend.Create(typeof(string)))
            .Message.ShouldContain("System.String");
    }
}

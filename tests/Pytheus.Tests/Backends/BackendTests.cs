using System.Reflection;
using Pytheus.Backends;
using Pytheus.Backends.InProcess;
using Pytheus.Metrics;
using Pytheus.Registry;

namespace Pytheus.Tests.Backends;

/// <summary>
/// <see cref="Backend.LoadBackend(Type?, BackendConfig?)"/> and the environment variables. These change
/// <see cref="Backend.Current"/> and the environment, so they run alone and restore both.
/// </summary>
[Collection("Globals")]
public sealed class BackendTests : IDisposable
{
    private readonly IBackend _previousBackend = Backend.Current;
    private readonly string? _previousClass = Environment.GetEnvironmentVariable(Backend.ClassVariable);
    private readonly string? _previousConfig = Environment.GetEnvironmentVariable(Backend.ConfigVariable);
    private readonly string _directory = Directory.CreateTempSubdirectory("pytheus-backend-").FullName;

    public BackendTests()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, null);
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, null);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, _previousClass);
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, _previousConfig);
        Backend.LoadBackend(_previousBackend);
        Directory.Delete(_directory, recursive: true);
    }

    private static string NameOf<T>() => typeof(T).AssemblyQualifiedName!;

    private string ConfigFile(string json)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Without_arguments_or_environment_the_in_process_backend_is_loaded()
    {
        var backend = Backend.LoadBackend();

        backend.ShouldBeOfType<InProcessBackend>();
        Backend.Current.ShouldBeSameAs(backend);
    }

    [Fact]
    public void An_explicit_type_and_config_are_used_and_new_metrics_take_the_current_backend()
    {
        var config = new BackendConfig { ["bob"] = "bobby" };

        var backend = Backend.LoadBackend(typeof(RecordingBackend), config);

        var recording = backend.ShouldBeOfType<RecordingBackend>();
        recording.Config.ShouldBeSameAs(config);
        Backend.Current.ShouldBeSameAs(backend);
        var counter = new Counter("c_total", "C", registry: new CollectorRegistry());
        counter.Family.Backend.ShouldBeSameAs(backend);
        recording.Created.Single().Descriptor.Definition.ShouldBeSameAs(counter.Family.Definition);
    }

    [Fact]
    public void A_metric_keeps_the_backend_that_was_current_when_it_was_created()
    {
        var registry = new CollectorRegistry();
        var first = Backend.LoadBackend(typeof(RecordingBackend), BackendConfig.Empty);
        var early = new Counter("early_total", "Early", registry: registry);
        var second = Backend.LoadBackend(typeof(InProcessBackend), BackendConfig.Empty);
        var late = new Counter("late_total", "Late", registry: registry);

        early.Family.Backend.ShouldBeSameAs(first);
        late.Family.Backend.ShouldBeSameAs(second);
    }

    [Fact]
    public void An_already_constructed_backend_can_be_made_current()
    {
        var backend = new RecordingBackend();

        Backend.LoadBackend(backend);

        Backend.Current.ShouldBeSameAs(backend);
        Should.Throw<ArgumentNullException>(() => Backend.LoadBackend((IBackend)null!));
    }

    [Fact]
    public void The_environment_names_the_class_and_the_config_file()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, NameOf<RecordingBackend>());
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, ConfigFile("""{"bob": "from-file"}"""));

        var backend = Backend.LoadBackend().ShouldBeOfType<RecordingBackend>();

        backend.Config!.GetString("bob").ShouldBe("from-file");
    }

    [Fact]
    public void A_full_type_name_without_assembly_resolves_among_loaded_assemblies()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, typeof(RecordingBackend).FullName);

        Backend.LoadBackend().ShouldBeOfType<RecordingBackend>();
        Backend.ResolveType("Pytheus.Backends.InProcess.InProcessBackend").ShouldBe(typeof(InProcessBackend));
    }

    [Fact]
    public void An_explicit_type_beats_the_environment()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, NameOf<PortReadingBackend>());

        Backend.LoadBackend(typeof(RecordingBackend)).ShouldBeOfType<RecordingBackend>();
    }

    [Fact]
    public void An_explicit_config_beats_the_environment()
    {
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, ConfigFile("""{"bob": "from-file"}"""));
        var config = new BackendConfig { ["bob"] = "explicit" };

        var backend = Backend.LoadBackend(typeof(RecordingBackend), config).ShouldBeOfType<RecordingBackend>();

        backend.Config.ShouldBeSameAs(config);
    }

    [Fact]
    public void An_explicit_type_still_takes_its_config_from_the_environment()
    {
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, ConfigFile("""{"port": 7001}"""));

        Backend.LoadBackend(typeof(PortReadingBackend)).ShouldBeOfType<PortReadingBackend>().Port.ShouldBe(7001);
    }

    [Fact]
    public void A_type_from_the_environment_takes_an_explicit_config()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, NameOf<PortReadingBackend>());

        Backend.LoadBackend(config: new BackendConfig { ["port"] = 7002 }).ShouldBeOfType<PortReadingBackend>().Port.ShouldBe(7002);
    }

    [Theory]
    [InlineData("NoSuch.Backend")]
    [InlineData("NoSuch.Backend, NoSuchAssembly")]
    [InlineData("notaclasspath")]
    public void An_unknown_class_name_in_the_environment_is_reported_naming_it(string name)
    {
        var before = Backend.Current;
        Environment.SetEnvironmentVariable(Backend.ClassVariable, name);

        var e = Should.Throw<InvalidBackendClassException>(() => Backend.LoadBackend());

        e.Message.ShouldContain(name);
        Backend.Current.ShouldBeSameAs(before);
    }

    [Fact]
    public void A_class_that_is_not_a_backend_is_rejected_naming_it()
    {
        Environment.SetEnvironmentVariable(Backend.ClassVariable, "System.String");
        Should.Throw<InvalidBackendClassException>(() => Backend.LoadBackend()).Message.ShouldContain("System.String");

        Should.Throw<InvalidBackendClassException>(() => Backend.LoadBackend(typeof(CollectorRegistry), BackendConfig.Empty))
            .Message.ShouldContain(typeof(CollectorRegistry).FullName!);
        Should.Throw<InvalidBackendClassException>(() => Backend.LoadBackend(typeof(IBackend), BackendConfig.Empty))
            .Message.ShouldContain(nameof(IBackend));
        Should.Throw<InvalidBackendClassException>(() => Backend.ResolveType(typeof(MetricFamily).AssemblyQualifiedName!))
            .Message.ShouldContain(nameof(MetricFamily));
        Should.Throw<InvalidBackendClassException>(() => Backend.ResolveType(" "));
    }

    [Fact]
    public void The_redis_backend_named_in_the_core_assembly_points_at_its_package()
    {
        // Pytheus.Tests does not reference Pytheus.Redis, as an application that forgot the package would not.
        var e = Should.Throw<InvalidBackendClassException>(() => Backend.ResolveType("Pytheus.Backends.Redis.RedisBackend, Pytheus"));
        e.Message.ShouldContain("Pytheus.Redis package");
        e.Message.ShouldContain("'Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis'");
    }

    [Fact]
    public void A_class_without_a_usable_constructor_is_rejected_naming_it()
    {
        var e = Should.Throw<InvalidBackendClassException>(() => Backend.LoadBackend(typeof(NoUsableConstructorBackend), BackendConfig.Empty));

        e.Message.ShouldContain(nameof(NoUsableConstructorBackend));
        e.Message.ShouldContain("constructor");
    }

    [Fact]
    public void A_missing_config_file_is_reported_naming_it()
    {
        var path = Path.Combine(_directory, "absent.json");
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, path);

        Should.Throw<InvalidBackendConfigException>(() => Backend.LoadBackend()).Message.ShouldContain(path);
    }

    [Theory]
    [InlineData("{oops")]
    [InlineData("[1]")]
    public void An_invalid_or_non_object_config_file_is_reported_naming_it(string json)
    {
        var path = ConfigFile(json);
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, path);

        Should.Throw<InvalidBackendConfigException>(() => Backend.LoadBackend(typeof(RecordingBackend))).Message.ShouldContain(path);
    }

    [Fact]
    public void A_badly_typed_config_value_is_reported_naming_the_key()
    {
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, ConfigFile("""{"port": "not-a-port"}"""));

        var e = Should.Throw<InvalidBackendConfigException>(() => Backend.LoadBackend(typeof(PortReadingBackend)));

        e.Message.ShouldContain("'port'");
    }

    [Fact]
    public void The_in_process_backend_rejects_unknown_config_keys_when_loaded()
    {
        Environment.SetEnvironmentVariable(Backend.ConfigVariable, ConfigFile("""{"host": "localhost"}"""));

        Should.Throw<InvalidBackendConfigException>(() => Backend.LoadBackend()).Message.ShouldContain("'host'");
    }

    [Fact]
    public void A_backend_whose_constructor_fails_is_reported_as_a_config_error_naming_it()
    {
        var e = Should.Throw<InvalidBackendConfigException>(() => Backend.LoadBackend(typeof(ExplodingBackend), BackendConfig.Empty));

        e.Message.ShouldContain(nameof(ExplodingBackend));
        e.Message.ShouldContain("cannot reach the store");
    }

    [Fact]
    public void A_bad_environment_surfaces_when_the_first_metric_is_created_as_a_Pytheus_exception()
    {
        var field = typeof(Backend).GetField("_current", BindingFlags.NonPublic | BindingFlags.Static)!;
        Environment.SetEnvironmentVariable(Backend.ClassVariable, "NoSuch.Backend");
        field.SetValue(null, null);

        var e = Should.Throw<InvalidBackendClassException>(() => new Counter("first_total", "First", registry: new CollectorRegistry()));

        e.Message.ShouldContain("NoSuch.Backend");
    }
}

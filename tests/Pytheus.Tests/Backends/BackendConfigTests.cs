using Pytheus.Backends;

namespace Pytheus.Tests.Backends;

public sealed class BackendConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pytheus-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string text)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_a_JSON_object_with_typed_getters()
    {
        var config = BackendConfig.FromJsonFile(WriteFile("""{"host": "redis", "port": 6380, "ratio": 0.5, "tls": true, "nothing": null, "portText": "7000"}"""));

        config.GetString("host").ShouldBe("redis");
        config.GetInt64("port", 0).ShouldBe(6380);
        config.GetDouble("ratio", 0).ShouldBe(0.5);
        config.GetBoolean("tls", false).ShouldBeTrue();
        config.GetString("nothing", "fallback").ShouldBe("fallback");
        config.GetInt64("portText", 0).ShouldBe(7000);
        config.GetInt64("absent", 42).ShouldBe(42);
        config.Contains("host").ShouldBeTrue();
        config.Keys.ShouldBe(["host", "port", "ratio", "tls", "nothing", "portText"], ignoreOrder: true);
    }

    [Fact]
    public void Values_given_in_code_read_the_same_way()
    {
        var config = new BackendConfig { ["host"] = "localhost", ["port"] = 6379, ["ratio"] = 2, ["tls"] = "true" };

        config.GetString("host").ShouldBe("localhost");
        config.GetInt64("port", 0).ShouldBe(6379);
        config.GetDouble("ratio", 0).ShouldBe(2);
        config.GetBoolean("tls", false).ShouldBeTrue();
    }

    [Fact]
    public void A_missing_file_is_reported_naming_it()
    {
        var path = Path.Combine(_directory, "missing.json");

        Should.Throw<InvalidBackendConfigException>(() => BackendConfig.FromJsonFile(path)).Message.ShouldContain(path);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("{\"a\": 1,}")]
    public void Invalid_JSON_is_reported_naming_the_file(string text)
    {
        var path = WriteFile(text);

        var e = Should.Throw<InvalidBackendConfigException>(() => BackendConfig.FromJsonFile(path));

        e.Message.ShouldContain(path);
        e.Message.ShouldContain("not valid JSON");
    }

    [Theory]
    [InlineData("[1, 2]", "Array")]
    [InlineData("\"text\"", "String")]
    [InlineData("42", "Number")]
    [InlineData("null", "Null")]
    public void JSON_that_is_not_an_object_is_reported_naming_the_file(string text, string kind)
    {
        var path = WriteFile(text);

        var e = Should.Throw<InvalidBackendConfigException>(() => BackendConfig.FromJsonFile(path));

        e.Message.ShouldContain(path);
        e.Message.ShouldContain("JSON object");
        e.Message.ShouldContain(kind);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_naming_the_key()
    {
        var config = BackendConfig.FromJson("""{"port": "abc", "host": 5, "tls": "maybe", "ratio": [1]}""");

        Should.Throw<InvalidBackendConfigException>(() => config.GetInt64("port", 0)).Message.ShouldContain("'port'");
        Should.Throw<InvalidBackendConfigException>(() => config.GetString("host")).Message.ShouldContain("'host'");
        Should.Throw<InvalidBackendConfigException>(() => config.GetBoolean("tls", false)).Message.ShouldContain("'tls'");
        Should.Throw<InvalidBackendConfigException>(() => config.GetDouble("ratio", 0)).Message.ShouldContain("'ratio'");
        Should.Throw<InvalidBackendConfigException>(() => BackendConfig.FromJson("""{"port": 1.5}""").GetInt64("port", 0)).Message.ShouldContain("'port'");
    }

    [Fact]
    public void RejectUnknownKeys_names_the_unknown_and_the_known_keys()
    {
        var config = new BackendConfig { ["host"] = "h", ["hots"] = "typo" };

        var e = Should.Throw<InvalidBackendConfigException>(() => config.RejectUnknownKeys("MyBackend", "host", "port"));

        e.Message.ShouldContain("MyBackend");
        e.Message.ShouldContain("'hots'");
        e.Message.ShouldContain("'port'");
        Should.NotThrow(() => new BackendConfig { ["host"] = "h" }.RejectUnknownKeys("MyBackend", "host", "port"));
    }
}

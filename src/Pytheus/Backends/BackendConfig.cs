using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Pytheus.Backends;

/// <summary>
/// A backend's configuration: string keys with JSON-like values, given in code
/// (<c>new BackendConfig { ["host"] = "localhost", ["port"] = 6379 }</c>) or read from the JSON file named by
/// <c>PYTHEUS_BACKEND_CONFIG</c>. Typed getters throw <see cref="InvalidBackendConfigException"/> naming the key.
/// </summary>
public sealed class BackendConfig : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>An empty configuration.</summary>
    public static BackendConfig Empty => new();

    /// <summary>Gets or sets a raw value (a string, number, boolean, <see cref="JsonElement"/> or null).</summary>
    public object? this[string key]
    {
        get => _values.TryGetValue(key, out var value) ? value : null;
        set => _values[key] = value;
    }

    /// <summary>The keys present.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>Adds a value (for collection initialisers).</summary>
    public void Add(string key, object? value) => _values[key] = value;

    /// <summary>Parses a JSON object.</summary>
    /// <exception cref="InvalidBackendConfigException">The text is not a JSON object.</exception>
    public static BackendConfig FromJson(string json, string source = "backend config")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidBackendConfigException($"{source} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidBackendConfigException(
                    $"{source} must be a JSON object, got {document.RootElement.ValueKind}.");
            }
            var config = new BackendConfig();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                config[property.Name] = property.Value.Clone();
            }
            return config;
        }
    }

    /// <summary>Reads a JSON object from a file.</summary>
    /// <exception cref="InvalidBackendConfigException">The file cannot be read or is not a JSON object.</exception>
    public static BackendConfig FromJsonFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidBackendConfigException($"Backend config file '{path}' cannot be read: {e.Message}", e);
        }
        return FromJson(text, $"Backend config file '{path}'");
    }

    /// <summary>A string value, or <paramref name="defaultValue"/> when absent or null.</summary>
    public string? GetString(string key, string? defaultValue = null) => this[key] switch
    {
        null => defaultValue,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement { ValueKind: JsonValueKind.Null } => defaultValue,
        var other => throw Bad(key, "a string", other),
    };

    /// <summary>An integer value, or <paramref name="defaultValue"/> when absent or null.</summary>
    public long GetInt64(string key, long defaultValue)
    {
        var value = this[key];
        return value switch
        {
            null => defaultValue,
            int i => i,
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var l) => l,
            JsonElement { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            JsonElement { ValueKind: JsonValueKind.Null } => defaultValue,
            _ => throw Bad(key, "an integer", value),
        };
    }

    /// <summary>A number, or <paramref name="defaultValue"/> when absent or null.</summary>
    public double GetDouble(string key, double defaultValue)
    {
        var value = this[key];
        return value switch
        {
            null => defaultValue,
            int i => i,
            long l => l,
            double d => d,
            float f => f,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            JsonElement { ValueKind: JsonValueKind.String } e when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            JsonElement { ValueKind: JsonValueKind.Null } => defaultValue,
            _ => throw Bad(key, "a number", value),
        };
    }

    /// <summary>A boolean, or <paramref name="defaultValue"/> when absent or null.</summary>
    public bool GetBoolean(string key, bool defaultValue)
    {
        var value = this[key];
        return value switch
        {
            null => defaultValue,
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            JsonElement { ValueKind: JsonValueKind.Null } => defaultValue,
            _ => throw Bad(key, "true or false", value),
        };
    }

    /// <summary>Throws when a key is present that <paramref name="knownKeys"/> does not list (catches typos).</summary>
    public void RejectUnknownKeys(string backendName, params string[] knownKeys)
    {
        var unknown = _values.Keys.Where(k => !knownKeys.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidBackendConfigException(
                $"{backendName} config has unknown key(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}; " +
                $"known keys are {string.Join(", ", knownKeys.Select(k => $"'{k}'"))}.");
        }
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static InvalidBackendConfigException Bad(string key, string expected, object? actual) =>
        new($"Backend config key '{key}' must be {expected}, got {Describe(actual)}.");

    private static string Describe(object? value) => value switch
    {
        JsonElement e => e.GetRawText(),
        string s => $"\"{s}\"",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };
}

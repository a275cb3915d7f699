namespace Pytheus.Labels;

/// <summary>
/// A family's label names (in declaration order) and default values, and the checks that turn user input
/// (pairs or a dictionary) into values aligned with those names.
/// </summary>
internal sealed class LabelSchema
{
    private readonly string _metricName;

    public LabelSchema(string metricName, string[] names, string?[] defaults)
    {
        _metricName = metricName;
        Names = names;
        Defaults = defaults;
    }

    public string[] Names { get; }

    /// <summary>Default value per name, null where there is none.</summary>
    public string?[] Defaults { get; }

    public static LabelSchema Create(
        string metricName, IEnumerable<string>? requiredLabels, IEnumerable<KeyValuePair<string, string>>? defaultLabels,
        string? reservedLabel, string metricKind)
    {
        var names = requiredLabels?.ToArray() ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name is null)
            {
                throw new LabelValidationException($"Metric '{metricName}': required label names must not be null.", nameof(requiredLabels));
            }
            if (!NameRules.IsValidLabelName(name))
            {
                throw new LabelValidationException(
                    $"Metric '{metricName}': invalid label name '{name}' (must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__').", nameof(requiredLabels));
            }
            if (name == reservedLabel)
            {
                throw new LabelValidationException($"Metric '{metricName}': label name '{name}' is reserved on a {metricKind}.", nameof(requiredLabels));
            }
            if (!seen.Add(name))
            {
                throw new LabelValidationException($"Metric '{metricName}': label name '{name}' is declared twice.", nameof(requiredLabels));
            }
        }
        var schema = new LabelSchema(metricName, names, new string?[names.Length]);
        if (defaultLabels is not null)
        {
            foreach (var (name, value) in defaultLabels)
            {
                var index = schema.IndexOf(name, nameof(defaultLabels), "default label");
                schema.Defaults[index] = value ?? throw new LabelValidationException(
                    $"Metric '{metricName}': default value of label '{name}' must not be null.", nameof(defaultLabels));
            }
        }
        return schema;
    }

    /// <param name="name">The label name to look up.</param>
    /// <param name="paramName">The public parameter that gave the name, for <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="role">How the message calls the name.</param>
    public int IndexOf(string? name, string paramName, string role = "label")
    {
        if (name is null)
        {
            throw new LabelValidationException($"Metric '{_metricName}': {role} name must not be null.", paramName);
        }
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new LabelValidationException(Names.Length == 0
            ? $"Metric '{_metricName}' has no labels, so {role} '{name}' cannot be set."
            : $"Metric '{_metricName}': unknown {role} '{name}'; its labels are {Describe(Names)}.", paramName);
    }

    /// <summary>Copies <paramref name="current"/> and applies <paramref name="labels"/> on top of it.</summary>
    public string?[] Merge(string?[] current, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var merged = (string?[])current.Clone();
        var given = new bool[Names.Length];
        foreach (var (name, value) in labels)
        {
            var index = IndexOf(name, nameof(labels));
            if (given[index])
            {
                throw new LabelValidationException($"Metric '{_metricName}': label '{name}' is given twice.", nameof(labels));
            }
            given[index] = true;
            merged[index] = value ?? throw new LabelValidationException(
                $"Metric '{_metricName}': value of label '{name}' must not be null.", nameof(labels));
        }
        return merged;
    }

    /// <summary>The values after defaults are applied, or null when some label still has no value.</summary>
    public string[]? Effective(string?[] explicitValues)
    {
        var values = new string[Names.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var value = explicitValues[i] ?? Defaults[i];
            if (value is null)
            {
                return null;
            }
            values[i] = value;
        }
        return values;
    }

    public IEnumerable<string> Missing(string?[] explicitValues) =>
        Names.Where((_, i) => explicitValues[i] is null && Defaults[i] is null);

    public static string Describe(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}

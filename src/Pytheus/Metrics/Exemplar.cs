using System.Text;
using Pytheus.Labels;

namespace Pytheus.Metrics;

/// <summary>
/// Labels pointing at one sample — typically the trace that made an observation (<c>trace_id</c>, <c>span_id</c>) —
/// given to <see cref="Counter.Inc(double, Exemplar)"/> or <see cref="Histogram.Observe(double, Exemplar)"/>. The
/// latest exemplar of each counter series and histogram bucket is kept in the backend (on a shared backend the last
/// writer wins, by time) and exposed in OpenMetrics and in the protobuf format (never in the Prometheus text format). Immutable: one instance may be passed any number of times.
/// </summary>
public sealed class Exemplar
{
    /// <summary>The most runes (Unicode code points) the names and values of an exemplar's labels may hold together (OpenMetrics).</summary>
    public const int MaxRunes = 128;

    /// <summary>Creates an exemplar from label name/value pairs, in the order they are to be exposed.</summary>
    /// <exception cref="LabelValidationException">A name is not a valid label name or is given twice, a value is null, or the labels hold more than <see cref="MaxRunes"/> runes.</exception>
    public Exemplar(params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = Validate(labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value)).ToArray());
    }

    /// <summary>Creates an exemplar from labels by name.</summary>
    /// <exception cref="LabelValidationException">A name is not a valid label name, a value is null, or the labels hold more than <see cref="MaxRunes"/> runes.</exception>
    public Exemplar(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = Validate([.. labels]);
    }

    private Exemplar(KeyValuePair<string, string>[] labels, bool trusted)
    {
        _ = trusted;
        Labels = labels;
    }

    /// <summary>The labels, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; }

    /// <summary>An exemplar whose labels another client already checked by its own rules (bridges).</summary>
    internal static Exemplar Trusted(KeyValuePair<string, string>[] labels) => new(labels, trusted: true);

    private static KeyValuePair<string, string>[] Validate(KeyValuePair<string, string>[] labels)
    {
        var runes = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            if (name is null || !NameRules.IsValidLabelName(name))
            {
                throw new LabelValidationException($"Exemplar label name '{name}' is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]*.", nameof(labels));
            }
            if (!seen.Add(name))
            {
                throw new LabelValidationException($"Exemplar label '{name}' is given twice.", nameof(labels));
            }
            if (value is null)
            {
                throw new LabelValidationException($"Exemplar label '{name}' has a null value.", nameof(labels));
            }
            runes += CountRunes(name) + CountRunes(value);
        }
        if (runes > MaxRunes)
        {
            throw new LabelValidationException(
                $"Exemplar labels {string.Join(",", labels.Select(l => l.Key))} hold {runes} runes; at most {MaxRunes} are allowed.", nameof(labels));
        }
        return labels;
    }

    private static int CountRunes(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}

using System.Globalization;
using System.Text;
using Prometheus;

namespace LegacyLibrary;

/// <summary>
/// What an application can observe of prometheus-net in a scenario, in order: exposition text, values, exceptions.
/// The same scenario yields the same transcript with and without PatchClient().
/// </summary>
public sealed class Transcript
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    public string this[string key] => _entries.Single(e => e.Key == key).Value;

    public void Value(string key, double value) => _entries.Add(new(key, value.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Runs <paramref name="action"/> and records <c>ok</c> or the type of the exception it threw.</summary>
    public void Try(string key, Action action)
    {
        try
        {
            action();
            _entries.Add(new(key, "ok"));
        }
        catch (Exception e)
        {
            _entries.Add(new(key, e.GetType().Name));
        }
    }

    /// <summary>Records the registry's exposition, through <paramref name="rewrite"/> when given (to record estimates by what they estimate).</summary>
    public async Task Export(string key, CollectorRegistry registry, ExpositionFormat format = ExpositionFormat.PrometheusText, Func<string, string>? rewrite = null)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, format);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        _entries.Add(new(key, rewrite is null ? text : rewrite(text)));
    }

    /// <summary>One entry per block: <c>## key</c>, then its text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in _entries)
        {
            text.Append("## ").Append(key).Append('\n').Append(value.TrimEnd('\n')).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads what <see cref="ToString"/> wrote.</summary>
    public static Transcript Parse(string text)
    {
        var transcript = new Transcript();
        string? key = null;
        var value = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                key = line[3..];
            }
            else if (key is not null)
            {
                value.Append(line).Append('\n');
            }
        }
        Flush();
        return transcript;

        void Flush()
        {
            if (key is not null)
            {
                transcript._entries.Add(new(key, value.ToString().TrimEnd('\n') + "\n"));
                value.Clear();
            }
        }
    }
}

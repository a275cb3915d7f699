using System.Globalization;
using LegacyLibrary;

namespace Pytheus.Compat.PrometheusNet.Tests;

/// <summary>Reads the transcripts tests/LegacyWorker prints and compares two runs of a scenario.</summary>
internal static class Transcripts
{
    /// <summary>The transcripts of <c>LegacyWorker scenarios</c>, by scenario name.</summary>
    public static Dictionary<string, Transcript> Parse(string output) =>
        output.Split("### ", StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(block => block[..block.IndexOf('\n')], block => Transcript.Parse(block[(block.IndexOf('\n') + 1)..]));

    /// <summary>Same entries in the same order, each with the same lines (see <see cref="Normalized"/>).</summary>
    public static void ShouldMatch(Transcript actual, Transcript expected, string scenario)
    {
        actual.Entries.Select(e => e.Key).ShouldBe(expected.Entries.Select(e => e.Key), scenario);
        foreach (var (key, value) in expected.Entries)
        {
            Normalized(actual[key]).ShouldBe(Normalized(value), $"{scenario} / {key}");
        }
    }

    /// <summary>
    /// The lines of an entry in a canonical order, with sample values as numbers (prometheus-net writes <c>3.0</c> in
    /// OpenMetrics where Pytheus writes <c>3</c>; same value): identity (names, labels, headers) must match exactly.
    /// </summary>
    private static string Normalized(string text) => string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
    {
        var space = line.LastIndexOf(' ');
        if (line.StartsWith('#') || space < 0)
        {
            return line;
        }
        var value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        return line[..space] + " " + value.ToString("R", CultureInfo.InvariantCulture);
    }).Order(StringComparer.Ordinal));
}

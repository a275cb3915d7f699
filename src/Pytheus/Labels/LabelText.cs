using Pytheus.Internal;

namespace Pytheus.Labels;

/// <summary>A label set as the Prometheus text formats write it: <c>{a="x",b="y"</c>, values escaped, no closing brace.</summary>
internal static class LabelText
{
    /// <summary>Renders the label set in UTF-8, or nothing without labels; a series renders once and keeps the bytes.</summary>
    public static byte[] Render(IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues)
    {
        if (labelNames.Count == 0)
        {
            return [];
        }
        using var writer = new Utf8TextWriter(128);
        WriteOpen(writer, labelNames, labelValues);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the label set to <paramref name="writer"/>, or nothing without labels.</summary>
    public static void WriteOpen(Utf8TextWriter writer, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues)
    {
        for (var i = 0; i < labelNames.Count; i++)
        {
            writer.Write(i == 0 ? (byte)'{' : (byte)',');
            writer.Write(labelNames[i]);
            writer.Write("=\""u8);
            writer.WriteEscaped(labelValues[i], escapeQuote: true);
            writer.Write((byte)'"');
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Pytheus.Metrics;

namespace Pytheus.Backends.Redis;

/// <summary>
/// The text of an exemplar field: <c>&lt;unix seconds&gt; {"v":&lt;value&gt;,"l":[["trace_id","abc"],...]}</c>. The
/// timestamp comes first, so that the apply script compares it without parsing JSON; labels keep their order.
/// </summary>
internal static class RedisExemplarCodec
{
    public static string Encode(ExemplarSample sample)
    {
        var json = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("v", RedisNumber.Format(sample.Value));
            writer.WriteStartArray("l");
            foreach (var (name, value) in sample.Exemplar.Labels)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return sample.Timestamp.ToString("R", CultureInfo.InvariantCulture) + " " + Encoding.UTF8.GetString(json.WrittenSpan);
    }

    /// <summary>Parses what <see cref="Encode"/> wrote; null when malformed.</summary>
    public static ExemplarSample? Decode(string text)
    {
        var space = text.IndexOf(' ');
        if (space < 0 || !double.TryParse(text.AsSpan(0, space), NumberStyles.Float, CultureInfo.InvariantCulture, out var timestamp))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(space + 1));
            var root = document.RootElement;
            var value = RedisNumber.Parse(root.GetProperty("v").GetString());
            var labels = root.GetProperty("l").EnumerateArray()
                .Select(pair => new KeyValuePair<string, string>(pair[0].GetString()!, pair[1].GetString()!)).ToArray();
            return new ExemplarSample(Exemplar.Trusted(labels), value, timestamp);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

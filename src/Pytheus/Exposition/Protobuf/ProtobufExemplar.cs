using Pytheus.Backends;

namespace Pytheus.Exposition.Protobuf;

/// <summary>
/// The <c>Exemplar</c> message of <c>metrics.proto</c>: labels 1 (LabelPair), value 2, timestamp 3
/// (<c>google.protobuf.Timestamp</c>: seconds 1, nanos 2).
/// </summary>
internal static class ProtobufExemplar
{
    private const int Label = 1;
    private const int Value = 2;
    private const int Timestamp = 3;
    private const int Seconds = 1;
    private const int Nanos = 2;

    /// <summary>Writes <paramref name="sample"/> as field <paramref name="field"/>.</summary>
    public static void Write(ProtobufWriter output, int field, ExemplarSample sample)
    {
        var exemplar = output.BeginMessage(field);
        var labels = sample.Exemplar.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            ProtobufLabelPair.Write(output, Label, labels[i].Key, labels[i].Value);
        }
        output.WriteDouble(Value, sample.Value);
        // Recorded in whole milliseconds (Unix seconds as a double): rounded back to them, the nanoseconds are exact.
        // A timestamp that is no number (a corrupted shared store) is left out rather than written as a wrong time.
        if (double.IsFinite(sample.Timestamp) && Math.Abs(sample.Timestamp) < 1e15)
        {
            var (seconds, milliseconds) = Math.DivRem((long)Math.Round(sample.Timestamp * 1000), 1000L);
            if (milliseconds < 0)
            {
                seconds--;
                milliseconds += 1000;
            }
            var timestamp = output.BeginMessage(Timestamp);
            // Zero fields are left out, as protobuf's own encoders leave out proto3 defaults.
            if (seconds != 0)
            {
                output.WriteInt64(Seconds, seconds);
            }
            if (milliseconds != 0)
            {
                output.WriteInt64(Nanos, milliseconds * 1_000_000);
            }
            output.EndMessage(timestamp);
        }
        output.EndMessage(exemplar);
    }
}

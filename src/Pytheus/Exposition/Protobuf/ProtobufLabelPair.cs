namespace Pytheus.Exposition.Protobuf;

/// <summary>The <c>LabelPair</c> message of <c>metrics.proto</c> (a series' label, an exemplar's label): name 1, value 2.</summary>
internal static class ProtobufLabelPair
{
    public const int Name = 1;
    public const int Value = 2;

    public static void Write(ProtobufWriter output, int field, string name, string value)
    {
        var pair = output.BeginMessage(field);
        output.WriteString(Name, name);
        output.WriteString(Value, value);
        output.EndMessage(pair);
    }
}

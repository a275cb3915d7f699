using System.Reflection;
using System.Reflection.Emit;

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>Walks raw IL instruction by instruction (opcode, operand position and operand type).</summary>
internal static class ILInstructionWalker
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>One instruction: its offset, opcode and where its operand starts.</summary>
    public readonly record struct Instruction(int Offset, OpCode OpCode, int OperandOffset, int Next);

    public static IEnumerable<Instruction> Walk(byte[] il)
    {
        var pos = 0;
        while (pos < il.Length)
        {
            var start = pos;
            short value = il[pos++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[pos++]));
            }

            if (!OpCodesByValue.TryGetValue(value, out var opCode))
            {
                throw new NotSupportedException($"Unknown IL opcode 0x{value:x} at offset {start}.");
            }

            var operand = pos;
            pos += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, pos)),
                _ => 4,
            };
            yield return new Instruction(start, opCode, operand, pos);
        }
    }

    /// <summary>True when some branch goes backwards, i.e. the method has a loop (and so OSR patchpoints at tier 0).</summary>
    public static bool HasBackwardBranch(byte[] il)
    {
        foreach (var ins in Walk(il))
        {
            switch (ins.OpCode.OperandType)
            {
                case OperandType.ShortInlineBrTarget when ins.Next + (sbyte)il[ins.OperandOffset] <= ins.Offset:
                case OperandType.InlineBrTarget when ins.Next + BitConverter.ToInt32(il, ins.OperandOffset) <= ins.Offset:
                    return true;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, ins.OperandOffset);
                    for (var i = 0; i < count; i++)
                    {
                        if (ins.Next + BitConverter.ToInt32(il, ins.OperandOffset + 4 + (4 * i)) <= ins.Offset)
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }
}

namespace Pytheus.Compat.PrometheusNet.Patching;

/// <summary>A body that received a jump, with the 8 bytes it had before.</summary>
/// <param name="Address">Start of the body.</param>
/// <param name="Original">The bytes before the patch.</param>
/// <param name="Patched">The bytes written.</param>
/// <param name="CompiledFromOriginalIL">
/// True for bodies that existed before the detour (restoring them restores the original); false for bodies found
/// later, which may have been compiled from the forwarding IL and so are sent to the IL clone on undo.
/// </param>
internal sealed record PatchedBody(nint Address, ulong Original, ulong Patched, bool CompiledFromOriginalIL);

namespace Pytheus.Backends;

/// <summary>
/// One bucket of a native histogram: <paramref name="Index"/> at <paramref name="Schema"/>, holding the observations in
/// <c>(base^(Index-1), base^Index]</c> (<c>base = 2^(2^-Schema)</c>), or their negatives when <paramref name="IsNegative"/>.
/// A series' buckets may be of several schemas: after its schema is lowered, the older buckets keep their counts and are
/// merged into the coarser ones when read.
/// </summary>
/// <param name="Schema">The schema the index belongs to, -4 to 8.</param>
/// <param name="Index">The bucket index at that schema.</param>
/// <param name="IsNegative">Whether the bucket counts negative observations.</param>
public readonly record struct NativeBucket(int Schema, int Index, bool IsNegative);

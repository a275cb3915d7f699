namespace Pytheus.Backends;

/// <summary>The number of observations one native histogram bucket holds.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Count">Its observations (summed over every process on a shared backend).</param>
public readonly record struct NativeBucketCount(NativeBucket Bucket, double Count);

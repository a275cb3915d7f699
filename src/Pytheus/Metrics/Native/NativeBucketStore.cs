using Pytheus.Backends;

namespace Pytheus.Metrics.Native;

/// <summary>One native bucket of a series and the store holding its count.</summary>
internal readonly record struct NativeBucketStore(NativeBucket Bucket, IValueStore Store);

namespace Pytheus.Backends;

/// <summary>
/// Which count of a summary's quantile sketch a store holds (<see cref="ValueKind.SketchBucket"/>): a time window and a
/// bucket within it. Windows are numbered from the Unix epoch in units of the summary's <c>MaxAge / AgeBuckets</c>, so
/// every process writing the same series names the same window alike and a shared backend adds their counts; a window
/// older than <c>AgeBuckets</c> windows no longer counts and its stores may be dropped. Bucket ids are ordered as the
/// values they hold (negative values below zero, zero at 0).
/// </summary>
/// <param name="Window">The window's number: Unix time in milliseconds divided by the window length.</param>
/// <param name="Bucket">The bucket id within the window.</param>
public readonly record struct SketchBucket(long Window, int Bucket);

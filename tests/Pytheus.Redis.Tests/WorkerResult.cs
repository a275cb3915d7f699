namespace Pytheus.Redis.Tests;

/// <summary>What one tests/Pytheus.RedisWorker process reported when it stopped.</summary>
internal sealed record WorkerResult(string Id, long[] ThreadOps, long Errors, long Scrapes, long BadScrapes, double Pending, long Resends, string Line);

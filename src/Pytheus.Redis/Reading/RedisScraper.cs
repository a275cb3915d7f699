using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// A scrape: this process's pending batches and one read (+ <c>EXPIRE</c>) per family go out pipelined — one round trip
/// whatever the number of families — and the hashes come back as sorted series. A family hash of more than
/// <see cref="ChunkedHashRead.WholeReadLimit"/> fields takes more round trips: it is read in chunks
/// (<see cref="ChunkedHashRead"/>), pipelined with the other families' reads.
/// </summary>
internal sealed class RedisScraper(RedisFamilies families, RedisBatchProtocol protocol, RedisConnection connection, RedisBackendOptions options)
{
    public async Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> CollectAsync(
        IReadOnlyList<MetricDefinition> requested, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ScrapeTimeout);
        try
        {
            return await protocol.RunAsync(token => ReadAsync(requested, token), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Redis scrape timed out after {options.ScrapeTimeout.TotalMilliseconds} ms.");
        }
    }

    private async Task<IReadOnlyList<IReadOnlyList<SeriesSnapshot>>> ReadAsync(IReadOnlyList<MetricDefinition> requested, CancellationToken token)
    {
        var database = await connection.GetDatabaseAsync(token).ConfigureAwait(false);
        if (protocol.HasUnacknowledged || protocol.PlanChunks())
        {
            // Batches left unconfirmed by an earlier failure go first, so that this scrape's flush carries the changes
            // waiting behind them (read-your-writes); so do changes too many for one batch, which go in several, one
            // after the other. Failures show up in the pipeline below.
            await protocol.FlushAsync(checkIdle: false, token).ConfigureAwait(false);
        }
        var bindings = requested.Select(families.Bind).ToArray();
        // Commands issued back to back without awaiting go out pipelined on the multiplexer's connection: one round trip.
        // (Not an IBatch: StackExchange.Redis re-sends a script after NOSCRIPT, which a batch already executed cannot.)
        var flushes = protocol.Send(database);
        var reads = new Task<PackedHash>[bindings.Length];
        for (var i = 0; i < bindings.Length; i++)
        {
            var key = bindings[i].State.DataKey;
            // The read script answers whole or in chunks, depending on the hash's size now, and packs what it read into
            // one string (PackedHash): far cheaper for this process than a plain HGETALL's reply of two objects a field.
            reads[i] = ChunkedHashRead.ReadAsync(database, key, bindings[i].Reader.SlotNames, token);
            _ = database.KeyExpireAsync(key, options.ExpireKeyTime, flags: CommandFlags.FireAndForget);
        }
        try
        {
            await Task.WhenAll(reads).WaitAsync(token).ConfigureAwait(false);
        }
        finally
        {
            // Settle the flush outcomes before releasing the gate, whatever happened to the reads.
            await protocol.SettleAsync(flushes, []).ConfigureAwait(false);
        }
        var result = new IReadOnlyList<SeriesSnapshot>[bindings.Length];
        var writerField = (byte[])protocol.WriterField!;
        for (var i = 0; i < bindings.Length; i++)
        {
            result[i] = bindings[i].Reader.Read(reads[i].Result, writerField, out var epoch, out var writerSequence, out var expired);
            protocol.CheckHash(bindings[i].State, epoch, writerSequence);
            if (expired is not null)
            {
                // Sketch windows that no longer count, left by any process (a dead one's too): deleted with the next batch.
                bindings[i].State.Remove(expired);
            }
        }
        if (protocol.HasWholeResends || protocol.HasPlannedChunks)
        {
            // Redis lost data this process holds: put it back now rather than at the next flush.
            await protocol.FlushAsync(checkIdle: false, token).ConfigureAwait(false);
        }
        return result;
    }
}

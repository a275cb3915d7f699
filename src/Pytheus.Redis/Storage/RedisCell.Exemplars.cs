namespace Pytheus.Backends.Redis;

/// <summary>
/// The cell's exemplar: the latest one recorded here waits (a reference swap, no lock) until the flusher takes it into
/// a batch, which writes it to the exemplar field beside the number unless Redis already holds a later one (by
/// timestamp: the last writer wins across processes). Scrapes tell the cell what Redis holds.
/// </summary>
internal sealed partial class RedisCell : IExemplarStore
{
    private ExemplarSample? _pendingExemplar;
    private ExemplarSample? _latestExemplar;

    /// <summary>The hash field of the number's exemplar: the number's field behind <see cref="RedisKeySchema.ExemplarFieldMarker"/>.</summary>
    public string ExemplarField => RedisKeySchema.ExemplarFieldMarker + Field;

    /// <inheritdoc />
    public void RecordExemplar(ExemplarSample sample)
    {
        Volatile.Write(ref _latestExemplar, sample);
        Volatile.Write(ref _pendingExemplar, sample);
        _wakeOnChange?.RequestFlush();
    }

    /// <inheritdoc />
    public ExemplarSample? Exemplar => Volatile.Read(ref _latestExemplar);

    /// <summary>Takes the exemplar waiting to be sent, if any (flusher only); a removed series sends none.</summary>
    public ExemplarSample? TakeExemplar() =>
        Volatile.Read(ref _pendingExemplar) is null || IsRemoved ? null : Interlocked.Exchange(ref _pendingExemplar, null);

    /// <summary>A scrape read the exemplar Redis holds (the latest of every process).</summary>
    public void ObserveExemplar(ExemplarSample sample)
    {
        var current = Volatile.Read(ref _latestExemplar);
        if (current is null || current.Timestamp <= sample.Timestamp)
        {
            Volatile.Write(ref _latestExemplar, sample);
        }
    }
}

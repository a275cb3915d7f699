using Pytheus.Labels;
using Pytheus.Metrics;
using Pytheus.Metrics.Quantiles;
using System.Text;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Turns one family's hash (as read by a scrape) into sorted series, fast: every field seen once is remembered with its
/// series and slot, so later scrapes neither decode label text nor allocate per field, and the series' sort order is
/// recomputed only when a new series appears. What a scrape no longer finds in Redis, and no local cell holds, is
/// forgotten, so the caches are bounded by what Redis and this process hold.
/// </summary>
internal sealed class RedisFamilyReader
{
    private static readonly byte[] EpochField = Encoding.UTF8.GetBytes(RedisKeySchema.EpochField);
    private readonly object _gate = new();
    private readonly MetricDefinition _family;
    private readonly Dictionary<string, int> _slotIndex;
    private readonly string[] _slotNames;
    // Keyed by the field's UTF-8 bytes, looked up with the span read from Redis.
    private readonly Utf8KeyedTable<Field> _fields = new();
    private readonly Utf8KeyedTable<SketchField> _sketchFields = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly RedisFamilyState _state;
    private int _linked;
    private int _linkedGeneration;
    private bool _orderStale;
    private int _ranked;
    private Series?[] _byRank = [];
    // The number fields of the last read, by position. Redis returns an unchanged hash's fields in the same order every
    // time, so most fields are found by comparing their bytes with the field at their position, without hashing them.
    private Field?[]? _lastOrder;
    private int _scrape;

    public RedisFamilyReader(MetricDefinition family, string[] slotNames, RedisFamilyState state)
    {
        _family = family;
        _state = state;
        _slotNames = slotNames;
        _slotIndex = _slotNames.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The family's slot names, in layout order (the first is each series' first field).</summary>
    public string[] SlotNames => _slotNames;

    /// <summary>
    /// Links the cells created since the last call to their series, so that scrapes refresh what their
    /// <see cref="RedisCell.Get"/> reports. Done here, at scrape time, rather than when a series is created: creation
    /// stays cheap. Caller holds the lock.
    /// </summary>
    private void LinkCreated()
    {
        var generation = _state.Generation;
        var cells = _state.Cells;
        if (generation != _linkedGeneration)
        {
            // Freed cells were removed and the others moved: link them all again (linking is idempotent).
            (_linked, _linkedGeneration) = (0, generation);
        }
        for (var i = _linked; i < cells.Length; i++)
        {
            Link(cells[i]);
        }
        _linked = Math.Max(_linked, cells.Length);
    }

    private void Link(RedisCell cell)
    {
        if (cell.Slot < 0)
        {
            // A native bucket or a summary's sketch count: scrapes read them whole from Redis; nothing reads their cells' Get.
            return;
        }
        if (!_series.TryGetValue(cell.LabelsText, out var series))
        {
            // Decoded in this family's label order: another family object may have created the cell in another.
            if (RedisLabelCodec.Decode(cell.LabelsText, _family.LabelNames) is not { } labels)
            {
                return;
            }
            series = GetOrAddSeries(cell.LabelsText, labels);
        }
        if (series.Cells[cell.Slot] is null)
        {
            series.Cells[cell.Slot] = cell;
            series.LocalCells++;
        }
        else if (series.Cells[cell.Slot]!.IsRemoved && !cell.IsRemoved)
        {
            // The series was removed for every process and created again: the new cell learns Redis's values now.
            series.Cells[cell.Slot] = cell;
        }
        var name = Encoding.UTF8.GetBytes(cell.Field);
        _fields.TryAdd(name, new Field(name, series, cell.Slot, default));
    }

    /// <summary>The cells were freed (their series removed in this process): scrapes no longer refresh them.</summary>
    public void Forget(List<RedisCell> cells)
    {
        lock (_gate)
        {
            foreach (var cell in cells)
            {
                if (cell.Slot >= 0 && _series.TryGetValue(cell.LabelsText, out var series) && ReferenceEquals(series.Cells[cell.Slot], cell))
                {
                    series.Cells[cell.Slot] = null;
                    series.LocalCells--;
                }
            }
        }
    }

    /// <summary>
    /// The series in <paramref name="hash"/>, sorted by label values; local cells learn Redis's values.
    /// <paramref name="epoch"/> is the hash's <c>@epoch</c> field (null when the hash is missing), and
    /// <paramref name="writerSequence"/> the value of <paramref name="writerField"/> (0 when missing). A summary's
    /// quantiles are estimated from the sketch counts of every process in the windows that still count; the fields of
    /// windows that no longer do are returned in <paramref name="expired"/>, for deletion.
    /// </summary>
    public SeriesSnapshot[] Read(PackedHash hash, ReadOnlySpan<byte> writerField, out string? epoch, out long writerSequence, out List<string>? expired)
    {
        lock (_gate)
        {
            epoch = null;
            writerSequence = 0;
            expired = null;
            LinkCreated();
            var scrape = ++_scrape;
            var present = new List<Series>();
            var quantiles = _family.Quantiles;
            var currentWindow = quantiles?.WindowOf(_family.Clock.GetUtcNow()) ?? 0;
            var order = _lastOrder?.Length == hash.Fields ? _lastOrder : new Field?[hash.Fields];
            var position = -1;
            var fields = hash.GetReader();
            while (fields.Next(out var name, out var value))
            {
                position++;
                if (name.Length > 0 && name[0] == (byte)RedisKeySchema.ProtocolFieldMarker)
                {
                    if (name.SequenceEqual(EpochField))
                    {
                        epoch = Encoding.UTF8.GetString(value);
                    }
                    else if (name.SequenceEqual(writerField))
                    {
                        writerSequence = RedisNumber.ParseSequence(value);
                    }
                    continue;
                }
                if (quantiles is not null && name.Length > 1 && name[0] == (byte)'q' && name[1] == (byte)'=')
                {
                    if (!_sketchFields.TryGetValue(name, out var bucket))
                    {
                        if (LearnSketch(Encoding.UTF8.GetString(name)) is not { } learned)
                        {
                            continue;
                        }
                        _sketchFields.TryAdd(name.ToArray(), bucket = learned);
                    }
                    if (quantiles.Counts(bucket.Window, currentWindow))
                    {
                        bucket.Series.SketchCounts(scrape).TryGetValue(bucket.Id, out var sum);
                        bucket.Series.SketchCounts(scrape)[bucket.Id] = sum + RedisNumber.Parse(value);
                    }
                    else if (bucket.Window <= currentWindow - quantiles.AgeBuckets)
                    {
                        (expired ??= []).Add(Encoding.UTF8.GetString(name));
                        _sketchFields.Remove(name);
                    }
                    continue;
                }
                if (name.Length > 0 && name[0] == (byte)RedisKeySchema.ExemplarFieldMarker)
                {
                    ReadExemplar(name[1..], value, scrape);
                    continue;
                }
                var target = order[position];
                if (target is null || !name.SequenceEqual(target.Name))
                {
                    if ((target = Resolve(name)) is null)
                    {
                        continue;
                    }
                    order[position] = target;
                }
                var series = target.Series;
                if (series.Scrape != scrape)
                {
                    series.Scrape = scrape;
                    series.Values = new double[_slotNames.Length];
                    series.Native = _family.NativeHistogram is null ? null : new NativeBucketsRead();
                    present.Add(series);
                }
                if (target.Slot < 0)
                {
                    // Keyed by bucket: a chunked read may meet a field twice (HSCAN while the hash grows); the later wins.
                    series.Native?.Set(target.Bucket, RedisNumber.Parse(value));
                    continue;
                }
                series.Values![target.Slot] = RedisNumber.Parse(value);
            }
            _lastOrder = order;
            if (_series.Count > present.Count)
            {
                ForgetAbsent(scrape);
            }
            if (_orderStale)
            {
                var all = _series.Values.ToArray();
                Array.Sort(all, (a, b) => LabelValuesComparer.Instance.Compare(a.Labels, b.Labels));
                for (var i = 0; i < all.Length; i++)
                {
                    all[i].Rank = i;
                }
                (_ranked, _orderStale) = (all.Length, false);
            }
            // Ranks are distinct and below _ranked (forgetting series leaves gaps): placing each series at its rank sorts them.
            if (_byRank.Length < _ranked)
            {
                _byRank = new Series?[_ranked];
            }
            foreach (var series in present)
            {
                _byRank[series.Rank] = series;
            }
            var snapshots = new SeriesSnapshot[present.Count];
            for (int rank = 0, i = 0; i < snapshots.Length; rank++)
            {
                if (_byRank[rank] is not { } series)
                {
                    continue;
                }
                _byRank[rank] = null;
                for (var slot = 0; slot < series.Cells.Length; slot++)
                {
                    series.Cells[slot]?.Observe(series.Values![slot]);
                }
                if (quantiles is not null)
                {
                    SketchQuery.Estimate(series.SketchCounts(scrape), quantiles.Objectives, series.Values.AsSpan(2));
                }
                snapshots[i++] = new SeriesSnapshot(series.Labels, series.Values!) { NativeBuckets = series.Native?.Counts(), Exemplars = series.ExemplarsOf(scrape) };
            }
            return snapshots;
        }
    }

    /// <summary>Drops the cached series Redis no longer has and no local cell holds (expired, removed, lost).</summary>
    private void ForgetAbsent(int scrape)
    {
        List<string>? absent = null;
        foreach (var (labelsText, series) in _series)
        {
            if (series.Scrape != scrape && series.LocalCells == 0)
            {
                (absent ??= []).Add(labelsText);
            }
        }
        if (absent is null)
        {
            return;
        }
        absent.ForEach(labelsText => _series.Remove(labelsText));
        _fields.RemoveWhere(target => target.Series.Scrape != scrape && target.Series.LocalCells == 0);
        _lastOrder = null;
        _sketchFields.RemoveWhere(field => field.Series.Scrape != scrape && field.Series.LocalCells == 0);
    }

    /// <summary>An exemplar field: the number's field behind an <c>x</c>. It belongs to the series and slot of that number.</summary>
    private void ReadExemplar(ReadOnlySpan<byte> numberField, ReadOnlySpan<byte> value, int scrape)
    {
        if (Resolve(numberField) is not { } target || target.Slot < 0 || RedisExemplarCodec.Decode(Encoding.UTF8.GetString(value)) is not { } sample)
        {
            return;
        }
        target.Series.Exemplars(scrape, _slotNames.Length)[target.Slot] = sample;
        target.Series.Cells[target.Slot]?.ObserveExemplar(sample);
    }

    /// <summary>Resolves a sketch field never seen before (<c>q=&lt;window&gt;:&lt;bucket&gt;|&lt;labels&gt;</c>); null when malformed.</summary>
    private SketchField? LearnSketch(string text)
    {
        var separator = text.IndexOf(RedisKeySchema.SlotSeparator);
        var colon = text.IndexOf(':');
        if (separator < 0 || colon < 0 || colon > separator
            || !long.TryParse(text.AsSpan(2, colon - 2), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var window)
            || !int.TryParse(text.AsSpan(colon + 1, separator - colon - 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }
        var labelsText = text[(separator + 1)..];
        if (!_series.TryGetValue(labelsText, out var series))
        {
            if (RedisLabelCodec.Decode(labelsText, _family.LabelNames) is not { } labels)
            {
                return null;
            }
            series = GetOrAddSeries(labelsText, labels);
        }
        return new SketchField(series, window, id);
    }

    private sealed record SketchField(Series Series, long Window, int Id);

    /// <summary>The series and slot of a number's field; null for a malformed field, which is skipped.</summary>
    private Field? Resolve(ReadOnlySpan<byte> name)
    {
        if (_fields.TryGetValue(name, out var field))
        {
            return field;
        }
        var (series, slot, bucket) = Learn(Encoding.UTF8.GetString(name));
        if (series is null)
        {
            return null;
        }
        var key = name.ToArray();
        field = new Field(key, series, slot, bucket);
        _fields.TryAdd(key, field);
        return field;
    }

    /// <summary>A number's field as resolved once: its bytes, its series and slot (-1: a native bucket, which one in Bucket).</summary>
    private sealed class Field(byte[] name, Series series, int slot, NativeBucket bucket)
    {
        public byte[] Name { get; } = name;

        public Series Series { get; } = series;

        public int Slot { get; } = slot;

        public NativeBucket Bucket { get; } = bucket;
    }

    /// <summary>Resolves a field never seen before; a malformed field resolves to no series and is skipped.</summary>
    private (Series Series, int Slot, NativeBucket Bucket) Learn(string text)
    {
        var separator = text.IndexOf(RedisKeySchema.SlotSeparator);
        if (separator < 0)
        {
            return (null!, -1, default);
        }
        var bucket = default(NativeBucket);
        if (!_slotIndex.TryGetValue(text[..separator], out var slot))
        {
            if (_family.NativeHistogram is null || !RedisKeySchema.TryParseNativeSlot(text.AsSpan(0, separator), out bucket))
            {
                return (null!, -1, default);
            }
            slot = -1;
        }
        var labelsText = text[(separator + 1)..];
        if (_series.TryGetValue(labelsText, out var known))
        {
            return (known, slot, bucket);
        }
        var labels = RedisLabelCodec.Decode(labelsText, _family.LabelNames);
        return labels is null ? (null!, -1, default) : (GetOrAddSeries(labelsText, labels), slot, bucket);
    }

    private Series GetOrAddSeries(string labelsText, string[] labels)
    {
        if (!_series.TryGetValue(labelsText, out var series))
        {
            series = new Series(labels, _slotNames.Length);
            _series.Add(labelsText, series);
            _orderStale = true;
        }
        return series;
    }

    /// <summary>Cached series (for tests of what removal frees).</summary>
    internal int CachedSeries
    {
        get
        {
            lock (_gate)
            {
                LinkCreated();
                return _series.Count;
            }
        }
    }

    private sealed class Series(string[] labels, int slots)
    {
        public string[] Labels { get; } = labels;

        public RedisCell?[] Cells { get; } = new RedisCell?[slots];

        public int LocalCells { get; set; }

        public int Scrape { get; set; }

        public int Rank { get; set; }

        public double[]? Values { get; set; }

        /// <summary>A native histogram's sparse buckets as read by the current scrape; null for other families.</summary>
        public NativeBucketsRead? Native { get; set; }

        private ExemplarSample?[]? _exemplars;
        private int _exemplarScrape;

        /// <summary>The exemplars read in scrape <paramref name="scrape"/> (started empty by its first use).</summary>
        public ExemplarSample?[] Exemplars(int scrape, int slots)
        {
            if (_exemplars is null || _exemplarScrape != scrape)
            {
                _exemplars = new ExemplarSample?[slots];
                _exemplarScrape = scrape;
            }
            return _exemplars;
        }

        /// <summary>The exemplars of scrape <paramref name="scrape"/>, or null when it read none.</summary>
        public ExemplarSample?[]? ExemplarsOf(int scrape) => _exemplarScrape == scrape ? _exemplars : null;

        private Dictionary<int, double>? _sketchCounts;
        private int _sketchScrape;

        /// <summary>The sketch counts read in scrape <paramref name="scrape"/> (started empty by its first use).</summary>
        public Dictionary<int, double> SketchCounts(int scrape)
        {
            if (_sketchCounts is null || _sketchScrape != scrape)
            {
                _sketchCounts = [];
                _sketchScrape = scrape;
            }
            return _sketchCounts;
        }
    }
}

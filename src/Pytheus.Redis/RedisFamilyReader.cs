using Pytheus.Labels;
using Pytheus.Metrics;
using StackExchange.Redis;

namespace Pytheus.Backends.Redis;

/// <summary>
/// Turns one family's hash (as read by a scrape) into sorted series, fast: every field seen once is remembered with its
/// series and slot, so later scrapes neither decode label text nor allocate per field, and the series' sort order is
/// recomputed only when a new series appears.
/// </summary>
internal sealed class RedisFamilyReader
{
    private readonly object _gate = new();
    private readonly MetricFamily _family;
    private readonly Dictionary<string, int> _slotIndex;
    private readonly string[] _slotNames;
    // Keyed by the field's UTF-8 bytes: RedisValue's own equality between string and byte forms is far slower.
    private readonly Dictionary<byte[], (Series Series, int Slot)> _fields = new(ByteArrayComparer.Instance);
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private bool _orderStale;
    private int _scrape;

    public RedisFamilyReader(MetricFamily family)
    {
        _family = family;
        _slotNames = RedisKeySchema.SlotNames(family);
        _slotIndex = _slotNames.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Remembers a local cell so that scrapes refresh what its <see cref="RedisCell.Get"/> reports.</summary>
    public void Register(RedisCell cell)
    {
        lock (_gate)
        {
            var series = GetOrAddSeries(cell.LabelsText, cell.LabelValues);
            series.Cells[cell.Slot] = cell;
            _fields[(byte[])cell.Field!] = (series, cell.Slot);
        }
    }

    /// <summary>The series in <paramref name="entries"/>, sorted by label values; local cells learn Redis's values.</summary>
    public SeriesSnapshot[] Read(HashEntry[] entries)
    {
        lock (_gate)
        {
            var scrape = ++_scrape;
            var present = new List<Series>();
            foreach (var entry in entries)
            {
                var name = (byte[]?)entry.Name ?? [];
                if (!_fields.TryGetValue(name, out var target))
                {
                    target = Learn(entry.Name);
                    _fields[name] = target;
                }
                var series = target.Series;
                if (series is null)
                {
                    continue;
                }
                if (series.Scrape != scrape)
                {
                    series.Scrape = scrape;
                    series.Values = new double[_slotNames.Length];
                    present.Add(series);
                }
                series.Values![target.Slot] = RedisKeySchema.ParseNumber(entry.Value);
            }
            if (_orderStale)
            {
                var all = _series.Values.ToArray();
                Array.Sort(all, (a, b) => LabelValuesComparer.Instance.Compare(a.Labels, b.Labels));
                for (var i = 0; i < all.Length; i++)
                {
                    all[i].Rank = i;
                }
                _orderStale = false;
            }
            present.Sort((a, b) => a.Rank.CompareTo(b.Rank));
            var snapshots = new SeriesSnapshot[present.Count];
            for (var i = 0; i < snapshots.Length; i++)
            {
                var series = present[i];
                for (var slot = 0; slot < series.Cells.Length; slot++)
                {
                    series.Cells[slot]?.Observe(series.Values![slot]);
                }
                snapshots[i] = new SeriesSnapshot(series.Labels, series.Values!);
            }
            return snapshots;
        }
    }

    /// <summary>Resolves a field never seen before; fields of other definitions resolve to no series and are skipped.</summary>
    private (Series Series, int Slot) Learn(RedisValue field)
    {
        var text = (string?)field ?? string.Empty;
        var separator = text.IndexOf(RedisKeySchema.SlotSeparator);
        if (separator < 0 || !_slotIndex.TryGetValue(text[..separator], out var slot))
        {
            return (null!, -1);
        }
        var labelsText = text[(separator + 1)..];
        if (_series.TryGetValue(labelsText, out var known))
        {
            return (known, slot);
        }
        var labels = RedisKeySchema.DecodeLabels(labelsText, _family.LabelNames);
        return labels is null ? (null!, -1) : (GetOrAddSeries(labelsText, labels), slot);
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

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }

    private sealed class Series(string[] labels, int slots)
    {
        public string[] Labels { get; } = labels;

        public RedisCell?[] Cells { get; } = new RedisCell?[slots];

        public int Scrape { get; set; }

        public int Rank { get; set; }

        public double[]? Values { get; set; }
    }
}

using System.Globalization;
using System.Text;
using Pytheus.Backends;
using Pytheus.Backends.Redis;
using Pytheus.Labels;
using Pytheus.Metrics;
using Pytheus.Metrics.Quantiles;
using Pytheus.Registry;
using StackExchange.Redis;

namespace Pytheus.Redis.Tests.Reading;

/// <summary>
/// The scrape reads each family hash packed into one string and resolves its fields from spans, with caches: proven
/// here to see exactly what a plain <c>HGETALL</c>, decoded field by field with nothing cached, sees — for every kind of
/// field, odd label values, two writers, a hash big enough to be read in chunks, and by a process with local cells as
/// by one without.
/// </summary>
[Collection(RedisCollection.Name)]
public class RedisFamilyReaderTests(RedisServer server) : RedisTestBase(server)
{
    private static readonly string[] OddValues =
    [
        "", "plain", "quote \" backslash \\ slash / newline \n tab \t nul \0 end", "é ü 漢字 😀", "lone \uD800 surrogate",
        "{\"looks\":\"like the codec\"}|v|", new string('m', 300), new string('L', 70_000),
    ];

    [Fact]
    public async Task A_scrape_sees_every_kind_of_field_exactly_as_a_plain_HGETALL_decoded_field_by_field()
    {
        var first = NewBackend();
        var second = NewBackend();
        var metrics = new List<Metric>();
        foreach (var (backend, writer) in new[] { (first, 1), (second, 2) })
        {
            metrics = On(backend, () => Write(writer));
        }
        await first.FlushAsync();
        await second.FlushAsync();
        var definitions = metrics.Select(m => m.Family.Definition).ToList();

        using var plain = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString);
        var expected = new List<List<SeriesSnapshot>>();
        foreach (var metric in metrics)
        {
            expected.Add(await PlainRead(plain.GetDatabase(), KeyOf(metric), metric.Family.Definition));
        }
        expected.Sum(f => f.Count).ShouldBe(OddValues.Length * 3 + 2 + 3 + BigSeries);

        // A writer (its cells linked to the series) and a process that only reads, each twice: the second read finds
        // every field cached, at the position it had.
        foreach (var reader in new[] { first, NewBackend() })
        {
            var readOnly = On(reader, () => Write(writer: 0));
            for (var pass = 0; pass < 2; pass++)
            {
                var read = await reader.CollectAsync(definitions);
                for (var f = 0; f < definitions.Count - 1; f++)
                {
                    AssertSame(read[f], expected[f], definitions[f].Name);
                }
            }
            (await reader.CollectAsync([readOnly[^1].Family.Definition]))[0].Single().Values[0].ShouldBe(5);
        }
    }

    [Fact]
    public async Task The_reader_reports_the_epoch_and_this_writers_sequence_as_stored()
    {
        var writer = NewBackend();
        var counter = On(writer, () => new Counter("epoch_total", "e", ["k"], registry: new CollectorRegistry()));
        counter.Labels(("k", "a")).Inc();
        await writer.FlushAsync();
        counter.Labels(("k", "b")).Inc();
        await writer.FlushAsync();

        using var plain = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString);
        var database = plain.GetDatabase();
        var key = KeyOf(counter);
        var fields = (await database.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var writerField = fields.Keys.Single(f => f.StartsWith("@w|", StringComparison.Ordinal));
        var binding = writer.Families.Bind(counter.Family.Definition);
        var packed = await ChunkedHashRead.ReadAsync(database, key, binding.Reader.SlotNames, CancellationToken.None);

        binding.Reader.Read(packed, Encoding.UTF8.GetBytes(writerField), out var epoch, out var sequence, out var expired).Length.ShouldBe(2);
        epoch.ShouldBe(fields["@epoch"]);
        sequence.ShouldBe(long.Parse(fields[writerField], CultureInfo.InvariantCulture));
        sequence.ShouldBeGreaterThan(0);
        expired.ShouldBeNull();

        binding.Reader.Read(packed, "@w|someone-else"u8, out _, out var other, out _);
        other.ShouldBe(0);
    }

    private const int BigSeries = ChunkedHashRead.WholeReadLimit + 50;

    /// <summary>
    /// Every kind of field: counters with odd label values and exemplars; classic and native histogram buckets with
    /// exemplars; a summary's sketch counts; a shared gauge; a family big enough to be read in chunks; and a per-writer
    /// gauge (read on its own path) last. <paramref name="writer"/> 0 only defines them.
    /// </summary>
    private static List<Metric> Write(int writer)
    {
        var registry = new CollectorRegistry();
        var counter = new Counter("odd_total", "Odd labels", ["path", "code"], registry: registry);
        var histogram = new Histogram("odd_seconds", "Classic and native", ["path"], registry: registry, buckets: [0.1, 1, 10],
            nativeHistogram: new NativeHistogramOptions { Schema = 3 });
        var summary = new Summary("odd_bytes", "Quantiles", ["path"], registry: registry, objectives: [0.5, 0.9, 0.99]);
        var gauge = new Gauge("odd_level", "Shared", ["path"], registry: registry, mode: GaugeMode.Shared);
        var big = new Counter("odd_big_total", "Read in chunks", ["id"], registry: registry, seriesLimit: BigSeries);
        var perWriter = new Gauge("odd_workers", "Per writer", registry: registry, mode: GaugeMode.LiveSum);
        if (writer > 0)
        {
            for (var i = 0; i < OddValues.Length; i++)
            {
                var value = OddValues[i];
                counter.Labels(("path", value), ("code", OddValues[^(i + 1)])).Inc(writer * 1.5 + i, new Exemplar(("trace_id", $"w{writer}-{i}")));
                var series = histogram.Labels(("path", value));
                foreach (var sample in new[] { -3.0, 0, 0.05, 0.5 * writer, 5, 1e9 })
                {
                    series.Observe(sample + i);
                }
                series.Observe(0.7, new Exemplar(("trace_id", "slow \"one\"")));
                var sizes = summary.Labels(("path", value));
                for (var j = 1; j <= 20 * writer; j++)
                {
                    sizes.Observe(j * (i + 1));
                }
            }
            counter.Labels(("path", "inf"), ("code", "")).Inc(double.PositiveInfinity);
            counter.Labels(("path", "tiny"), ("code", "")).Inc(writer * 1e-300);
            gauge.Labels(("path", "shared")).Set(writer * 0.25);
            gauge.Labels(("path", "nan")).Set(double.NaN);
            gauge.Labels(("path", "-inf")).Set(double.NegativeInfinity);
            for (var i = 0; i < BigSeries; i++)
            {
                big.Labels(("id", i.ToString(CultureInfo.InvariantCulture))).Inc(writer);
            }
            perWriter.Set(writer + 1);
        }
        return [counter, histogram, summary, gauge, big, perWriter];
    }

    /// <summary>
    /// The family as a plain <c>HGETALL</c> shows it, decoded field by field with nothing cached: the series that have
    /// a number, sorted by label values, with their native buckets, exemplars and quantiles.
    /// </summary>
    private static async Task<List<SeriesSnapshot>> PlainRead(IDatabase database, string key, MetricDefinition family)
    {
        var slots = RedisKeySchema.SlotNames(family);
        var series = new Dictionary<string, PlainSeries>(StringComparer.Ordinal);
        var currentWindow = family.Quantiles?.WindowOf(family.Clock.GetUtcNow()) ?? 0;
        PlainSeries Of(string labelsText) => series.TryGetValue(labelsText, out var s) ? s
            : series[labelsText] = new PlainSeries(RedisLabelCodec.Decode(labelsText, family.LabelNames)!, slots.Length);
        foreach (var entry in await database.HashGetAllAsync(key))
        {
            var name = (string)entry.Name!;
            if (name.StartsWith('@'))
            {
                continue;
            }
            var exemplar = name.StartsWith('x');
            var field = exemplar ? name[1..] : name;
            var bar = field.IndexOf('|', StringComparison.Ordinal);
            var (slot, labelsText) = (field[..bar], field[(bar + 1)..]);
            var target = Of(labelsText);
            if (exemplar)
            {
                target.Exemplars[Array.IndexOf(slots, slot)] = RedisExemplarCodec.Decode((string)entry.Value!);
            }
            else if (slot.StartsWith("q=", StringComparison.Ordinal))
            {
                var colon = slot.IndexOf(':', StringComparison.Ordinal);
                var window = long.Parse(slot[2..colon], CultureInfo.InvariantCulture);
                var bucket = int.Parse(slot[(colon + 1)..], CultureInfo.InvariantCulture);
                if (family.Quantiles!.Counts(window, currentWindow))
                {
                    target.Sketch[bucket] = target.Sketch.GetValueOrDefault(bucket) + RedisNumber.Parse(entry.Value);
                }
            }
            else if (RedisKeySchema.TryParseNativeSlot(slot, out var bucket))
            {
                target.Native[bucket] = RedisNumber.Parse(entry.Value);
                target.HasNumber = true;
            }
            else
            {
                target.Values[Array.IndexOf(slots, slot)] = RedisNumber.Parse(entry.Value);
                target.HasNumber = true;
            }
        }
        var result = new List<SeriesSnapshot>();
        foreach (var s in series.Values.Where(s => s.HasNumber).OrderBy(s => s.Labels, LabelValuesComparer.Instance))
        {
            if (family.Quantiles is { } quantiles)
            {
                SketchQuery.Estimate(s.Sketch, quantiles.Objectives, s.Values.AsSpan(2));
            }
            result.Add(new SeriesSnapshot(s.Labels, s.Values)
            {
                NativeBuckets = family.NativeHistogram is null ? null : [.. s.Native.Select(p => new NativeBucketCount(p.Key, p.Value))],
                Exemplars = s.Exemplars.Any(e => e is not null) ? s.Exemplars : null,
            });
        }
        return result;
    }

    private sealed class PlainSeries(string[] labels, int slots)
    {
        public string[] Labels { get; } = labels;

        public double[] Values { get; } = new double[slots];

        public bool HasNumber { get; set; }

        public Dictionary<NativeBucket, double> Native { get; } = [];

        public ExemplarSample?[] Exemplars { get; } = new ExemplarSample?[slots];

        public Dictionary<int, double> Sketch { get; } = [];
    }

    private static void AssertSame(IReadOnlyList<SeriesSnapshot> actual, List<SeriesSnapshot> expected, string family)
    {
        actual.Count.ShouldBe(expected.Count, family);
        for (var i = 0; i < expected.Count; i++)
        {
            var (a, e) = (actual[i], expected[i]);
            var what = $"{family} series {i} ({string.Join(",", e.LabelValues.Select(v => v.Length > 40 ? v[..40] + "…" : v))})";
            a.LabelValues.ShouldBe(e.LabelValues, what);
            a.Values.Select(BitConverter.DoubleToInt64Bits).ShouldBe(e.Values.Select(BitConverter.DoubleToInt64Bits), what);
            (a.NativeBuckets?.OrderBy(b => (b.Bucket.IsNegative, b.Bucket.Schema, b.Bucket.Index)).Select(b => $"{b.Bucket} {b.Count:R}"))
                .ShouldBe(e.NativeBuckets?.OrderBy(b => (b.Bucket.IsNegative, b.Bucket.Schema, b.Bucket.Index)).Select(b => $"{b.Bucket} {b.Count:R}"), what);
            Describe(a.Exemplars).ShouldBe(Describe(e.Exemplars), what);
        }
    }

    private static string[]? Describe(IReadOnlyList<ExemplarSample?>? exemplars) =>
        exemplars?.Select(x => x is null ? "-" : string.Create(CultureInfo.InvariantCulture,
            $"{x.Value:R} @{x.Timestamp:R} {string.Join(",", x.Exemplar.Labels.Select(l => $"{l.Key}={l.Value}"))}")).ToArray();
}

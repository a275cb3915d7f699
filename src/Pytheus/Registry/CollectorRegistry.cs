using Pytheus.Metrics;

namespace Pytheus.Registry;

/// <summary>
/// An ordered set of metric families and custom collectors, exposed together, with an optional name prefix applied at
/// exposition. Creating a metric whose name, type, labels and buckets match one already registered binds the new object
/// to the same series; a different definition under the same name throws <see cref="MetricConflictException"/>.
/// </summary>
public class CollectorRegistry
{
    private static CollectorRegistry _default = new();

    private readonly object _gate = new();
    private ICollector[] _collectors = [];

    /// <summary>Creates a registry.</summary>
    /// <param name="prefix">Prepended as <c>prefix_</c> to the names of the metrics it exposes (not to custom collectors).</param>
    public CollectorRegistry(string? prefix = null)
    {
        if (!string.IsNullOrEmpty(prefix) && !Labels.NameRules.IsValidMetricName(prefix))
        {
            throw new InvalidMetricNameException($"Invalid registry prefix '{prefix}': it must match [a-zA-Z_:][a-zA-Z0-9_:]*.", nameof(prefix));
        }
        Prefix = string.IsNullOrEmpty(prefix) ? null : prefix;
    }

    /// <summary>The process-wide registry metrics join when no registry is given. Replaceable (pytheus's <c>set_registry</c>).</summary>
    public static CollectorRegistry Default
    {
        get => Volatile.Read(ref _default);
        set => Volatile.Write(ref _default, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Pass as a metric's registry to keep it out of every registry.</summary>
    public static CollectorRegistry None { get; } = new UnregisteredRegistry();

    /// <summary>The name prefix, or null.</summary>
    public string? Prefix { get; }

    /// <summary>The registered collectors in registration order (a snapshot).</summary>
    public IReadOnlyList<ICollector> Collectors => Volatile.Read(ref _collectors);

    /// <summary>Registers a metric's family (a no-op when it is already registered here).</summary>
    /// <exception cref="MetricConflictException">Another definition holds the name.</exception>
    public void Register(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var registered = GetOrAdd(metric.Family);
        if (!ReferenceEquals(registered, metric.Family))
        {
            throw new MetricConflictException($"A different metric named '{metric.Name}' is already registered.", nameof(metric));
        }
    }

    /// <summary>Registers a custom collector after checking that none of its metric names is taken.</summary>
    /// <exception cref="MetricConflictException">A name it yields, or its own name, is already registered.</exception>
    public virtual void Register(CustomCollector collector)
    {
        ArgumentNullException.ThrowIfNull(collector);
        var names = collector.Collect().Select(f => f.Name).ToList();
        lock (_gate)
        {
            var taken = Find(collector.Name) is not null ? collector.Name
                : names.FirstOrDefault(n => _collectors.OfType<MetricFamily>().Any(f => f.Name == n));
            if (taken is not null)
            {
                throw new MetricConflictException($"Custom collector '{collector.Name}': name '{taken}' is already registered.", nameof(collector));
            }
            Publish([.. _collectors, collector]);
        }
    }

    /// <summary>Removes a metric's family. Returns whether it was registered.</summary>
    public bool Unregister(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Unregister(metric.Family);
    }

    /// <summary>Removes a collector. Returns whether it was registered.</summary>
    public bool Unregister(ICollector collector)
    {
        ArgumentNullException.ThrowIfNull(collector);
        lock (_gate)
        {
            if (!_collectors.Contains(collector))
            {
                return false;
            }
            Publish(_collectors.Where(c => !ReferenceEquals(c, collector)).ToArray());
            return true;
        }
    }

    /// <summary>Removes whatever is registered under <paramref name="name"/>. Returns whether something was.</summary>
    public bool Unregister(string name)
    {
        lock (_gate)
        {
            var found = Find(name);
            return found is not null && Unregister(found);
        }
    }

    /// <summary>Removes everything.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Publish([]);
        }
    }

    /// <summary>Registers <paramref name="candidate"/>, or returns the family already registered under its name when compatible.</summary>
    internal virtual MetricFamily GetOrAdd(MetricFamily candidate)
    {
        lock (_gate)
        {
            switch (Find(candidate.Name))
            {
                case null:
                    Publish([.. _collectors, candidate]);
                    return candidate;
                case MetricFamily existing when existing.IsCompatibleWith(candidate, out var difference):
                    return existing;
                case MetricFamily existing:
                    existing.IsCompatibleWith(candidate, out var diff);
                    throw new MetricConflictException(
                        $"Metric '{candidate.Name}' is already registered with a different definition ({diff}).");
                default:
                    throw new MetricConflictException($"Name '{candidate.Name}' is already taken by a custom collector.");
            }
        }
    }

    private ICollector? Find(string name) => _collectors.FirstOrDefault(c => c.Name == name);

    private void Publish(ICollector[] collectors) => Volatile.Write(ref _collectors, collectors);

    private sealed class UnregisteredRegistry : CollectorRegistry
    {
        internal override MetricFamily GetOrAdd(MetricFamily candidate) => candidate;

        public override void Register(CustomCollector collector) =>
            throw new InvalidOperationException("CollectorRegistry.None holds nothing; register in a real registry.");
    }
}

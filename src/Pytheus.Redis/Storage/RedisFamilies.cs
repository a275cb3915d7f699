using System.Collections.Concurrent;
using Pytheus.Metrics;

namespace Pytheus.Backends.Redis;

/// <summary>Everything this backend holds: one state per Redis hash, one binding per metric family object.</summary>
internal sealed class RedisFamilies(string keyPrefix)
{
    private readonly ConcurrentDictionary<string, RedisFamilyState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MetricDefinition, RedisFamilyBinding> _bindings = new(ReferenceEqualityComparer.Instance);

    /// <summary>The states, for the flusher (a snapshot).</summary>
    public ICollection<RedisFamilyState> States => _states.Values;

    private readonly object _bindGate = new();

    public RedisFamilyBinding Bind(MetricDefinition family)
    {
        if (_bindings.TryGetValue(family, out var binding))
        {
            return binding;
        }
        // Created once under a lock: a binding registers its reader with the state, so a discarded duplicate would leak.
        lock (_bindGate)
        {
            return _bindings.TryGetValue(family, out binding) ? binding : _bindings[family] = CreateBinding(family);
        }
    }

    /// <summary>Series with a change not yet confirmed by Redis.</summary>
    public int PendingSeries()
    {
        var pending = 0;
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in _states.Values)
        {
            labels.Clear();
            foreach (var cell in state.Cells)
            {
                if (cell.HasPendingChange)
                {
                    labels.Add(cell.LabelsText);
                }
            }
            pending += labels.Count;
        }
        return pending;
    }

    private RedisFamilyBinding CreateBinding(MetricDefinition family)
    {
        var definition = RedisDefinition.Of(family);
        var key = RedisKeySchema.DataKey(keyPrefix, family.Name, definition);
        var state = _states.GetOrAdd(key.ToString(), _ => new RedisFamilyState(
            family.Name, definition, key, RedisKeySchema.DefinitionsKey(keyPrefix, family.Name)));
        return new RedisFamilyBinding(family, state);
    }
}

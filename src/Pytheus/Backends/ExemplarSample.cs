using Pytheus.Metrics;

namespace Pytheus.Backends;

/// <summary>An exemplar as recorded: its labels, the value of the sample it points at, and when (Unix seconds).</summary>
/// <param name="Exemplar">The exemplar's labels.</param>
/// <param name="Value">The increment or observed value it was given with.</param>
/// <param name="Timestamp">When it was recorded, in seconds since the Unix epoch.</param>
public sealed record ExemplarSample(Exemplar Exemplar, double Value, double Timestamp);

namespace Pytheus.Backends.Redis;

/// <summary>One writer's value of one series of a per-writer gauge, as read from Redis.</summary>
/// <param name="Writer">The writer (process) id.</param>
/// <param name="LabelValues">The series' label values, aligned with the family's label names.</param>
/// <param name="Value">The writer's value.</param>
/// <param name="WrittenAtMs">Redis server time of the writer's last write of it, in milliseconds.</param>
internal readonly record struct WriterValue(string Writer, string[] LabelValues, double Value, long WrittenAtMs);

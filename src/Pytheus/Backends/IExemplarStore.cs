namespace Pytheus.Backends;

/// <summary>
/// A value store that also keeps the latest exemplar of its number (a counter's value, a histogram bucket). Stores that
/// do not implement it drop exemplars. Recording happens on the application's thread: it must not block on I/O.
/// </summary>
public interface IExemplarStore
{
    /// <summary>Replaces the exemplar (on a shared backend the latest by <see cref="ExemplarSample.Timestamp"/> wins).</summary>
    void RecordExemplar(ExemplarSample sample);

    /// <summary>The latest exemplar this process knows of, or null.</summary>
    ExemplarSample? Exemplar { get; }
}

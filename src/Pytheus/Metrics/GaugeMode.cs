namespace Pytheus.Metrics;

/// <summary>
/// How a gauge written by many processes is shown. Every mode except <see cref="Shared"/> keeps one value per writer
/// (process) and combines them at scrape time; the <c>Live</c> modes leave out writers that stopped (see the backend's
/// liveness settings). On the in-process backend there is one writer, so every mode shows its value — only
/// <see cref="All"/> and <see cref="LiveAll"/> add the writer label there too, so the text does not change shape when
/// the backend does.
/// </summary>
/// <remarks>
/// The default, <see cref="LiveSum"/>, is a deliberate difference from pytheus (whose gauge is one shared number,
/// <see cref="Shared"/> here): it keeps the series a single-process gauge has (no added label), and an in-progress
/// gauge is right again as soon as a crashed process is known dead, instead of keeping its increments forever.
/// </remarks>
public enum GaugeMode
{
    /// <summary>The sum of the live writers' values (the default): in-progress counts, queue lengths per worker, pool sizes.</summary>
    LiveSum,

    /// <summary>The sum of every writer's value, including writers that stopped, until their data is cleaned up.</summary>
    Sum,

    /// <summary>One series per live writer, labelled <see cref="GaugeModes.WriterLabel"/> with the writer's id.</summary>
    LiveAll,

    /// <summary>One series per writer, stopped ones included until their data is cleaned up, labelled <see cref="GaugeModes.WriterLabel"/>.</summary>
    All,

    /// <summary>The smallest value among the live writers.</summary>
    LiveMin,

    /// <summary>The smallest value among all writers, stopped ones included until their data is cleaned up.</summary>
    Min,

    /// <summary>The largest value among the live writers.</summary>
    LiveMax,

    /// <summary>The largest value among all writers, stopped ones included until their data is cleaned up.</summary>
    Max,

    /// <summary>The value most recently written by a live writer.</summary>
    LiveMostRecent,

    /// <summary>The value most recently written by any writer, stopped ones included until their data is cleaned up.</summary>
    MostRecent,

    /// <summary>
    /// pytheus's gauge: one number shared by every process — <c>Inc</c>/<c>Dec</c> add up, <c>Set</c> is last writer
    /// wins — and kept when a writer dies (so a crashed process's in-progress increments stay).
    /// </summary>
    Shared,
}

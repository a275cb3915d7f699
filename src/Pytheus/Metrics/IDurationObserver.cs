namespace Pytheus.Metrics;

/// <summary>A metric that records how long something took: a gauge sets it, a histogram or summary observes it.</summary>
public interface IDurationObserver
{
    /// <summary>Records a duration in seconds.</summary>
    void ObserveDuration(double seconds);
}

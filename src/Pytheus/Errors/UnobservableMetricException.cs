namespace Pytheus;

/// <summary>
/// A metric was observed (or read) while some of its required labels still have no value: the call is valid only on a
/// child from <c>Labels(...)</c>. An <see cref="InvalidOperationException"/>, not a <see cref="PytheusException"/>: the
/// arguments are fine, the metric is not in a state to take them.
/// </summary>
public sealed class UnobservableMetricException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming the metric and its missing labels.</summary>
    public UnobservableMetricException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public UnobservableMetricException(string message, Exception? innerException) : base(message, innerException) { }
}

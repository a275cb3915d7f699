namespace Pytheus;

/// <summary>A metric was observed while some of its required labels still have no value.</summary>
public sealed class UnobservableMetricException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public UnobservableMetricException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public UnobservableMetricException(string message, Exception? innerException) : base(message, innerException) { }
}

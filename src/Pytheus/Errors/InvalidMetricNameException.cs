namespace Pytheus;

/// <summary>A metric name does not match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
public sealed class InvalidMetricNameException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public InvalidMetricNameException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public InvalidMetricNameException(string message, Exception? innerException) : base(message, innerException) { }
}

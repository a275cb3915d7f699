namespace Pytheus;

/// <summary>A value was rejected, e.g. a negative or NaN counter increment.</summary>
public sealed class InvalidMetricValueException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public InvalidMetricValueException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public InvalidMetricValueException(string message, Exception? innerException) : base(message, innerException) { }
}

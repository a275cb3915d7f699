namespace Pytheus;

/// <summary>A metric name (or registry prefix) does not match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
/// <remarks>A usage error: catch it as <see cref="PytheusException"/> or <see cref="ArgumentException"/>.</remarks>
public sealed class InvalidMetricNameException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public InvalidMetricNameException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public InvalidMetricNameException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message and the name of the parameter that held the bad input.</summary>
    public InvalidMetricNameException(string message, string? paramName) : base(message, paramName) { }

    /// <summary>Creates the exception with a message, the parameter at fault and the error that caused it.</summary>
    public InvalidMetricNameException(string message, string? paramName, Exception? innerException) : base(message, paramName, innerException) { }
}

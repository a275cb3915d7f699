namespace Pytheus;

/// <summary>A metric was registered under a name that a different definition already holds.</summary>
/// <remarks>A usage error: catch it as <see cref="PytheusException"/> or <see cref="ArgumentException"/>.</remarks>
public sealed class MetricConflictException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public MetricConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public MetricConflictException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message and the name of the parameter that held the bad input.</summary>
    public MetricConflictException(string message, string? paramName) : base(message, paramName) { }

    /// <summary>Creates the exception with a message, the parameter at fault and the error that caused it.</summary>
    public MetricConflictException(string message, string? paramName, Exception? innerException) : base(message, paramName, innerException) { }
}

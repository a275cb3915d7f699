namespace Pytheus;

/// <summary>A metric was registered under a name that a different definition already holds.</summary>
public sealed class MetricConflictException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public MetricConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public MetricConflictException(string message, Exception? innerException) : base(message, innerException) { }
}

namespace Pytheus;

/// <summary>Base type of every error Pytheus raises for bad input or bad configuration.</summary>
public class PytheusException : Exception
{
    /// <summary>Creates the exception with a message naming the metric, label or value at fault.</summary>
    public PytheusException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public PytheusException(string message, Exception? innerException) : base(message, innerException) { }
}

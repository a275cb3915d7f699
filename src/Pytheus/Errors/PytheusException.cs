namespace Pytheus;

/// <summary>
/// Base type of every error Pytheus raises for bad input or bad configuration: a name, label, value, bucket list,
/// conflicting registration or backend setting. It is an <see cref="ArgumentException"/>, so code that catches usage
/// errors the .NET way catches these too; <see cref="ArgumentException.ParamName"/> names the parameter where one holds
/// the bad input.
/// </summary>
/// <remarks>
/// Observing a metric whose labels have no value yet is not bad input but a call in the wrong state:
/// <see cref="UnobservableMetricException"/> is an <see cref="InvalidOperationException"/>.
/// </remarks>
public class PytheusException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the metric, label or value at fault.</summary>
    public PytheusException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public PytheusException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message and the name of the parameter that held the bad input.</summary>
    public PytheusException(string message, string? paramName) : base(message, paramName) { }

    /// <summary>Creates the exception with a message, the parameter at fault and the error that caused it.</summary>
    public PytheusException(string message, string? paramName, Exception? innerException) : base(message, paramName, innerException) { }
}

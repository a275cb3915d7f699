namespace Pytheus;

/// <summary>The backend configuration cannot be read or holds a bad value.</summary>
public sealed class InvalidBackendConfigException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public InvalidBackendConfigException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public InvalidBackendConfigException(string message, Exception? innerException) : base(message, innerException) { }
}

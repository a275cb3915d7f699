namespace Pytheus;

/// <summary>The backend type named in code or in <c>PYTHEUS_BACKEND_CLASS</c> cannot be used.</summary>
public sealed class InvalidBackendClassException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public InvalidBackendClassException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public InvalidBackendClassException(string message, Exception? innerException) : base(message, innerException) { }
}

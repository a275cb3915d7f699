namespace Pytheus;

/// <summary>Histogram buckets are not finite, strictly increasing values.</summary>
public sealed class BucketException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public BucketException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public BucketException(string message, Exception? innerException) : base(message, innerException) { }
}

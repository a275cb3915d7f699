namespace Pytheus;

/// <summary>A label name is invalid, reserved, duplicated, unknown or missing, or a label value is null.</summary>
public sealed class LabelValidationException : PytheusException
{
    /// <summary>Creates the exception with a message naming the item at fault.</summary>
    public LabelValidationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public LabelValidationException(string message, Exception? innerException) : base(message, innerException) { }
}

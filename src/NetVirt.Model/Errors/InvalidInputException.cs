namespace NetVirt.Model.Errors;

/// <summary>A value given by the caller (a command-line argument, a request field) is not what is needed.</summary>
public class InvalidInputException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public InvalidInputException(string message)
        : base(message)
    {
    }
}

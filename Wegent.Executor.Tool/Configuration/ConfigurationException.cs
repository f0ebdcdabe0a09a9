namespace Wegent.Executor.Configuration;

/// <summary>A setting is missing or malformed. The message is one line, meant for the user as it is.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException()
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

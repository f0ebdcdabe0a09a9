namespace Wegent.Executor.Configuration;

/// <summary>A non-random MAC address as 12 lowercase hex digits, or null.</summary>
public interface IMacAddressSource
{
    string? ReadMacAddress();
}

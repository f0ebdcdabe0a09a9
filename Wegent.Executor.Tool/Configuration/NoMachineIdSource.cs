namespace Wegent.Executor.Configuration;

/// <summary>No hardware id on this platform.</summary>
public sealed class NoMachineIdSource : IMachineIdSource
{
    public string? ReadMachineId() => null;
}

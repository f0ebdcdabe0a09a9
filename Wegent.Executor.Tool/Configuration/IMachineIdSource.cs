namespace Wegent.Executor.Configuration;

/// <summary>The machine's stable hardware id (machine-id, IOPlatformUUID or MachineGuid), or null.</summary>
public interface IMachineIdSource
{
    string? ReadMachineId();
}

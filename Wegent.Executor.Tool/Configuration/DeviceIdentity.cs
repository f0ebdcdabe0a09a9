namespace Wegent.Executor.Configuration;

/// <summary>Where a device id came from, for the startup log.</summary>
public enum DeviceIdSource
{
    HomeFile,
    /// <summary>The upstream (Rust) Wegent executor's <c>device-config.json</c> in the home.</summary>
    UpstreamExecutorConfig,
    DefaultHomeFile,
    MachineId,
    MacAddress,
    Random,
}

/// <summary>The device as the backend knows it: <c>device_id</c>, display <c>name</c>, and the stable
/// <c>runtime_instance_id</c> of this installation that registrations and heartbeats carry.</summary>
public sealed record DeviceIdentity(string DeviceId, string Name, DeviceIdSource Source, string RuntimeInstanceId)
{
    public const int MaximumLength = 100;
}

namespace Wegent.Executor.Configuration;

/// <summary>Where a device id came from, for the startup log.</summary>
public enum DeviceIdSource
{
    HomeFile,
    DefaultHomeFile,
    MachineId,
    MacAddress,
    Random,
}

/// <summary>The device as the backend knows it: <c>device_id</c> and display <c>name</c>.</summary>
public sealed record DeviceIdentity(string DeviceId, string Name, DeviceIdSource Source)
{
    public const int MaximumLength = 100;
}

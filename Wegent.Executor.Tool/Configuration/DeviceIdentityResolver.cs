using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Wegent.Executor.Configuration;

/// <summary>
/// Reads or derives the device id exactly as the Python executor did (PROTOCOL.md section 2), so a user switching tools
/// keeps the same device on the backend, and stores it in <c>&lt;home&gt;/device_id</c> with mode 0600.
/// </summary>
public sealed class DeviceIdentityResolver(
    IMachineIdSource machineIdSource,
    IMacAddressSource macAddressSource,
    string? userHome,
    Func<string> hostName,
    string operatingSystemName)
{
    private const int HashPrefixLength = 12;

    /// <summary>The resolver with this machine's sources.</summary>
    /// <param name="userHome">The user's home directory, where the default home <c>~/.wegent-executor</c> lives.</param>
    public static DeviceIdentityResolver ForThisMachine(string? userHome)
    {
        IMachineIdSource machineId = OperatingSystem.IsLinux() ? new MachineIdFileSource(MachineIdFileSource.LinuxPaths)
            : OperatingSystem.IsMacOS() ? new MacPlatformUuidSource()
            : OperatingSystem.IsWindows() ? new WindowsMachineGuidSource()
            : new NoMachineIdSource();
        return new DeviceIdentityResolver(machineId, new NetworkInterfaceMacAddressSource(), userHome, Dns.GetHostName, CurrentOperatingSystemName());
    }

    /// <summary>The OS name as Python's platform.system() prints it.</summary>
    public static string CurrentOperatingSystemName() =>
        OperatingSystem.IsLinux() ? "Linux"
        : OperatingSystem.IsMacOS() ? "Darwin"
        : OperatingSystem.IsWindows() ? "Windows"
        : Environment.OSVersion.Platform.ToString();

    public DeviceIdentity Resolve(string home)
    {
        var name = Truncate($"{operatingSystemName} - {hostName()}");
        var homeFile = Path.Combine(home, "device_id");
        if (ReadIdFile(homeFile) is { } stored)
        {
            // A file from the Python executor or an older version may be world-readable; it is ours, so tighten it.
            PrivateFile.TryRestrict(homeFile);
            return new DeviceIdentity(stored, name, DeviceIdSource.HomeFile);
        }

        var (deviceId, source) = ReadDefaultHomeId(homeFile) is { } fromDefaultHome
            ? (fromDefaultHome, DeviceIdSource.DefaultHomeFile)
            : Derive();
        Write(homeFile, deviceId);
        return new DeviceIdentity(deviceId, name, source);
    }

    /// <summary><c>"hw-"</c> + 12 hex of SHA-256 of the hardware id, else <c>"mac-"</c> + 12 hex of SHA-256 of the MAC hex, else random.</summary>
    private (string DeviceId, DeviceIdSource Source) Derive()
    {
        if (machineIdSource.ReadMachineId() is { Length: > 0 } machineId)
        {
            return ("hw-" + HashPrefix(machineId), DeviceIdSource.MachineId);
        }

        if (macAddressSource.ReadMacAddress() is { Length: > 0 } mac)
        {
            return ("mac-" + HashPrefix(mac), DeviceIdSource.MacAddress);
        }

        return ("uuid-" + Guid.NewGuid().ToString("N")[..HashPrefixLength], DeviceIdSource.Random);
    }

    private string? ReadDefaultHomeId(string homeFile)
    {
        if (userHome is null)
        {
            return null;
        }

        var defaultFile = Path.GetFullPath(Path.Combine(userHome, SettingDefaults.HomeFolderName, "device_id"));
        return string.Equals(defaultFile, Path.GetFullPath(homeFile), StringComparison.Ordinal) ? null : ReadIdFile(defaultFile);
    }

    private static string HashPrefix(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..HashPrefixLength];

    private static string? ReadIdFile(string path)
    {
        try
        {
            var content = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
            return content.Length is > 0 and <= DeviceIdentity.MaximumLength ? content : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Written through a temporary file made 0600 and renamed, so the id is never readable by others nor half-written.</summary>
    private static void Write(string path, string deviceId) =>
        PrivateFile.Replace(path, stream => stream.Write(Encoding.UTF8.GetBytes(deviceId)));

    private static string Truncate(string value) =>
        value.Length <= DeviceIdentity.MaximumLength ? value : value[..DeviceIdentity.MaximumLength];
}

using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Wegent.Executor.Configuration;

/// <summary>
/// Reads or derives the device id exactly as the Python executor did (PROTOCOL.md section 2), so a user switching tools
/// keeps the same device on the backend, and stores it in <c>&lt;home&gt;/device_id</c> with mode 0600. A home the upstream
/// (Rust) executor used keeps its id too (<see cref="UpstreamExecutorConfig"/>). Beside it, <c>runtime_instance_id</c>
/// holds the stable id of this installation (PROTOCOL-RESPONSES.md section 3), also 0600.
/// </summary>
public sealed class DeviceIdentityResolver(
    IMachineIdSource machineIdSource,
    IMacAddressSource macAddressSource,
    string? userHome,
    Func<string> hostName,
    string operatingSystemName)
{
    private const int HashPrefixLength = 12;
    private const string DeviceIdFileName = "device_id";
    private const string RuntimeInstanceIdFileName = "runtime_instance_id";

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
        var homeFile = Path.Combine(home, DeviceIdFileName);
        var upstream = UpstreamExecutorConfig.Read(Path.Combine(home, UpstreamExecutorConfig.FileName));
        var runtimeInstanceId = ResolveRuntimeInstanceId(home, upstream?.RuntimeInstanceId);
        if (ReadKeptId(homeFile) is { } stored)
        {
            return new DeviceIdentity(stored, name, DeviceIdSource.HomeFile, runtimeInstanceId);
        }

        var (deviceId, source) = upstream?.DeviceId is { } upstreamId ? (upstreamId, DeviceIdSource.UpstreamExecutorConfig)
            : ReadDefaultHomeId(homeFile) is { } fromDefaultHome ? (fromDefaultHome, DeviceIdSource.DefaultHomeFile)
            : Derive();
        Write(homeFile, deviceId);
        return new DeviceIdentity(deviceId, name, source, runtimeInstanceId);
    }

    /// <summary>The kept id, else the upstream executor's, else a new random one; written to the home once.</summary>
    private static string ResolveRuntimeInstanceId(string home, string? upstreamId)
    {
        var file = Path.Combine(home, RuntimeInstanceIdFileName);
        if (ReadKeptId(file) is { } stored) return stored;
        var id = upstreamId ?? "runtime-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        Write(file, id);
        return id;
    }

    /// <summary>An id file of the home; one from the Python executor or an older version may be world-readable: it is
    /// ours, so it is tightened.</summary>
    private static string? ReadKeptId(string path)
    {
        var id = ReadIdFile(path);
        if (id is not null) PrivateFile.TryRestrict(path);
        return id;
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

        var defaultHome = Path.GetFullPath(Path.Combine(userHome, SettingDefaults.HomeFolderName));
        var defaultFile = Path.Combine(defaultHome, DeviceIdFileName);
        if (string.Equals(defaultFile, Path.GetFullPath(homeFile), StringComparison.Ordinal)) return null;
        return ReadIdFile(defaultFile) ?? UpstreamExecutorConfig.Read(Path.Combine(defaultHome, UpstreamExecutorConfig.FileName))?.DeviceId;
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
    private static void Write(string path, string id) =>
        PrivateFile.Replace(path, stream => stream.Write(Encoding.UTF8.GetBytes(id)));

    private static string Truncate(string value) =>
        value.Length <= DeviceIdentity.MaximumLength ? value : value[..DeviceIdentity.MaximumLength];
}

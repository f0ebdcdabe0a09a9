using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using Microsoft.Win32;

namespace Wegent.Executor.Configuration;

/// <summary>The machine's stable hardware id (machine-id, IOPlatformUUID or MachineGuid), or null.</summary>
public interface IMachineIdSource
{
    string? ReadMachineId();
}

/// <summary>A non-random MAC address as 12 lowercase hex digits, or null.</summary>
public interface IMacAddressSource
{
    string? ReadMacAddress();
}

/// <summary>Linux: the stripped content of the first non-empty machine-id file.</summary>
public sealed class MachineIdFileSource(IReadOnlyList<string> paths) : IMachineIdSource
{
    public static readonly IReadOnlyList<string> LinuxPaths = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

    public string? ReadMachineId()
    {
        foreach (var path in paths)
        {
            try
            {
                var content = File.ReadAllText(path).Trim();
                if (content.Length > 0)
                {
                    return content;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Missing or unreadable: try the next one.
            }
        }

        return null;
    }
}

/// <summary>macOS: IOPlatformUUID from <c>ioreg -rd1 -c IOPlatformExpertDevice</c>.</summary>
public sealed partial class MacPlatformUuidSource : IMachineIdSource
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    public string? ReadMachineId()
    {
        try
        {
            using var process = Process.Start(Processes.ChildProcess.StartInfo("ioreg", ["-rd1", "-c", "IOPlatformExpertDevice"]));
            if (process is null)
            {
                return null;
            }

            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill();
                return null;
            }

            var match = PlatformUuid().Match(output);
            return match.Success ? match.Groups["uuid"].Value : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    [GeneratedRegex("\"IOPlatformUUID\"\\s*=\\s*\"(?<uuid>[^\"]+)\"")]
    private static partial Regex PlatformUuid();
}

/// <summary>Windows: MachineGuid under HKLM\SOFTWARE\Microsoft\Cryptography.</summary>
public sealed class WindowsMachineGuidSource : IMachineIdSource
{
    public string? ReadMachineId()
    {
        if (!OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            using var key = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64)
                .OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
            return (key?.GetValue("MachineGuid") as string)?.Trim() is { Length: > 0 } guid ? guid : null;
        }
        catch (Exception e) when (e is System.Security.SecurityException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }
}

/// <summary>No hardware id on this platform.</summary>
public sealed class NoMachineIdSource : IMachineIdSource
{
    public string? ReadMachineId() => null;
}

/// <summary>The first non-loopback interface whose MAC is globally administered (not random or virtual).</summary>
public sealed class NetworkInterfaceMacAddressSource : IMacAddressSource
{
    private const byte LocallyAdministeredBit = 0x02;
    private const int MacLength = 6;

    public string? ReadMacAddress()
    {
        try
        {
            foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (network.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                var bytes = network.GetPhysicalAddress().GetAddressBytes();
                if (bytes.Length == MacLength && bytes.Any(b => b != 0) && (bytes[0] & LocallyAdministeredBit) == 0)
                {
                    return Convert.ToHexStringLower(bytes);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface information: the caller falls back to a random id.
        }

        return null;
    }
}

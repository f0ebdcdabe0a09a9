using Microsoft.Win32;

namespace Wegent.Executor.Configuration;

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

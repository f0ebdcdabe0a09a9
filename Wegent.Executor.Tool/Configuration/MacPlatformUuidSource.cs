using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Wegent.Executor.Configuration;

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

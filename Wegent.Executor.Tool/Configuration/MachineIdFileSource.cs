namespace Wegent.Executor.Configuration;

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

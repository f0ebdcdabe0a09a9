namespace Wegent.Executor.Configuration;

/// <summary>config.env is written by the user and may hold the backend token and the model key: at start-up one that
/// group or others may read or write is made 0600. Only its mode is ever reported, never its content.</summary>
public static class ConfigFilePermissions
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Tightens <paramref name="path"/> when it is open to group or others.</summary>
    /// <param name="setMode">Changes the mode; chmod only succeeds for the file's owner (or root), so a file of another
    /// user is reported with the fix instead of changed.</param>
    /// <returns>The warning to log, or null when the file is missing or already private.</returns>
    public static string? Tighten(string path, Action<string, UnixFileMode>? setMode = null)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return null;
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if ((mode & GroupOrOthers) == 0) return null;
        try
        {
            (setMode ?? File.SetUnixFileMode)(path, PrivateFile.OwnerReadWrite);
            return $"{path} was readable or writable by group or others (mode {Octal(mode)}) and may hold secrets: changed it to 600";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} is readable or writable by group or others (mode {Octal(mode)}) and may hold secrets, but its mode could not be changed ({e.Message}): run chmod 600 {path}";
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(3, '0');
}

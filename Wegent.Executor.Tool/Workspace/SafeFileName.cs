namespace Wegent.Executor.Workspace;

/// <summary>Turns a user's file name into one safe on every OS: no directories, control or reserved characters,
/// no Windows device names, bounded length with the extension kept.</summary>
public static class SafeFileName
{
    public const int MaxLength = 120;
    private const int MaxExtensionLength = 16;

    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public static string From(string? originalName, string fallback)
    {
        var name = (originalName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string(name.Select(c => char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c).ToArray());
        name = name.Trim().Trim('.').Trim();
        if (name.Length == 0) return fallback;
        if (ReservedNames.Contains(name.Split('.')[0].TrimEnd())) name = "_" + name;
        if (name[0] == '-') name = "_" + name;
        return Shorten(name);
    }

    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength) return name;
        var extension = Path.GetExtension(name);
        if (extension.Length > MaxExtensionLength) extension = "";
        var stem = name[..(MaxLength - extension.Length)];
        if (char.IsHighSurrogate(stem[^1])) stem = stem[..^1];
        return stem.TrimEnd('.', ' ') + extension;
    }
}

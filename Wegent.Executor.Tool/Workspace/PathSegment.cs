namespace Wegent.Executor.Workspace;

/// <summary>Decides whether a name from a payload may become one folder or file name under the workspace root.</summary>
public static class PathSegment
{
    public const int MaxLength = 100;

    /// <summary>True for a single, plain segment: not empty, no separators, not <c>.</c>/<c>..</c>, no leading
    /// <c>-</c> (it would read as an option), no control or Windows-reserved characters, no trailing dot or space.</summary>
    public static bool IsSafe(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength) return false;
        if (name is "." or ".." || name[0] == '-' || name[^1] is '.' or ' ') return false;
        foreach (var c in name)
        {
            if (char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|') return false;
        }

        return true;
    }
}

using System.Globalization;

namespace Wegent.Executor.Agents;

/// <summary>A process as seen in /proc/&lt;pid&gt;/stat.</summary>
internal readonly record struct ProcessIdentity(int ProcessId, ulong StartTime);

/// <summary>The few fields of /proc/&lt;pid&gt;/stat we need: parent, state, start time (pid plus start time names a
/// process uniquely, so a reused pid is never mistaken for a member).</summary>
internal sealed record ProcStat(ProcessIdentity Identity, int ParentId, char State)
{
    public bool IsZombie => State is 'Z' or 'X';

    public static List<ProcStat> ReadAll(string procRoot)
    {
        var result = new List<ProcStat>();
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (Read(procRoot, pid) is { } stat)
            {
                result.Add(stat);
            }
        }

        return result;
    }

    public static ProcStat? Read(string procRoot, int pid)
    {
        try
        {
            return Parse(pid, File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // exited meanwhile
        }
    }

    /// <summary>"pid (comm) state ppid ... starttime(22nd field)"; comm may hold spaces and parentheses, so fields are
    /// counted from the last ')'.</summary>
    public static ProcStat? Parse(int pid, string statLine)
    {
        var close = statLine.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = statLine[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        if (fields.Length < 20
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new ProcStat(new ProcessIdentity(pid, start), parent, fields[0][0]);
    }
}

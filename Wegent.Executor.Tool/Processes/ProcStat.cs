using System.Globalization;

namespace Wegent.Executor.Processes;

/// <summary>The few fields of /proc/&lt;pid&gt;/stat we need: identity, parent, state, and the CPU time used so far
/// (<paramref name="CpuTicks"/>: user plus system, in clock ticks).</summary>
public sealed record ProcStat(ProcessIdentity Identity, int ParentId, char State, long CpuTicks)
{
    public const string DefaultRoot = "/proc";

    /// <summary>Linux's USER_HZ, the unit of the tick fields: 100 on every architecture the tool ships for.</summary>
    private const int TicksPerSecond = 100;

    public bool IsZombie => State is 'Z' or 'X';

    public TimeSpan CpuTime => TimeSpan.FromSeconds((double)CpuTicks / TicksPerSecond);

    /// <summary>Process <paramref name="pid"/> now; null when it is gone (or /proc is not there).</summary>
    public static ProcStat? Read(int pid) => Read(DefaultRoot, pid);

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

    /// <summary>"pid (comm) state ppid ... utime(14th) stime(15th) ... starttime(22nd field)"; comm may hold spaces and parentheses, so fields are
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
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var userTicks)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var systemTicks))
        {
            return null;
        }

        return new ProcStat(new ProcessIdentity(pid, start), parent, fields[0][0], userTicks + systemTicks);
    }
}

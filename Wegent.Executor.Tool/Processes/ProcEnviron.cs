using System.Globalization;
using System.Text;

namespace Wegent.Executor.Processes;

/// <summary>Reads a process's environment from /proc/&lt;pid&gt;/environ (NUL-separated NAME=value entries).</summary>
public static class ProcEnviron
{
    /// <summary>True when process <paramref name="pid"/> has <paramref name="entry"/> (<c>NAME=value</c>) as a whole
    /// entry; false when not, or when it is gone or another user's.</summary>
    public static bool HasEntry(int pid, string entry) => HasEntry(ProcStat.DefaultRoot, pid, Encoding.UTF8.GetBytes(entry + "\0"));

    /// <param name="entry">The entry with its terminating NUL.</param>
    internal static bool HasEntry(string procRoot, int pid, byte[] entry)
    {
        byte[] environment;
        try
        {
            environment = File.ReadAllBytes(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "environ"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone meanwhile, or another user's process (not ours to kill)
        }

        // The entry must be a whole one, not the tail of another variable's value.
        var span = environment.AsSpan();
        var offset = 0;
        while (offset < span.Length)
        {
            var end = span[offset..].IndexOf((byte)0);
            var length = end < 0 ? span.Length - offset : end + 1;
            if (span.Slice(offset, length).SequenceEqual(entry))
            {
                return true;
            }

            offset += length;
        }

        return false;
    }
}

using System.Globalization;

namespace Wegent.Executor.Processes;

/// <summary>The fields of /proc/&lt;pid&gt;/status that tests and the bench watch: resident memory and threads.</summary>
public sealed record ProcStatus(long ResidentKilobytes, int Threads)
{
    public double ResidentMegabytes => ResidentKilobytes / 1024.0;

    /// <summary>Process <paramref name="pid"/> now.</summary>
    /// <exception cref="IOException">The process is gone.</exception>
    public static ProcStatus Read(int pid) =>
        Parse(File.ReadAllLines(Path.Combine(ProcStat.DefaultRoot, pid.ToString(CultureInfo.InvariantCulture), "status")));

    /// <summary>Lines of "Name:\tvalue [unit]"; VmRSS is in kB.</summary>
    public static ProcStatus Parse(IReadOnlyList<string> lines)
    {
        long Field(string name) => long.Parse(
            lines.First(line => line.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..]
                .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0],
            CultureInfo.InvariantCulture);
        return new ProcStatus(Field("VmRSS"), (int)Field("Threads"));
    }
}

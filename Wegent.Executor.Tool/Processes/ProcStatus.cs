using System.Globalization;

namespace Wegent.Executor.Processes;

/// <summary>The fields of /proc/&lt;pid&gt;/status that tests and the bench watch: resident memory, threads, and the
/// ignored signals (a bit per signal, bit N-1 for signal N).</summary>
public sealed record ProcStatus(long ResidentKilobytes, int Threads, ulong IgnoredSignals)
{
    public double ResidentMegabytes => ResidentKilobytes / 1024.0;

    /// <summary>Process <paramref name="pid"/> now.</summary>
    /// <exception cref="IOException">The process is gone.</exception>
    public static ProcStatus Read(int pid) =>
        Parse(File.ReadAllLines(Path.Combine(ProcStat.DefaultRoot, pid.ToString(CultureInfo.InvariantCulture), "status")));

    /// <summary>Lines of "Name:\tvalue [unit]"; VmRSS is in kB, SigIgn in hex.</summary>
    public static ProcStatus Parse(IReadOnlyList<string> lines)
    {
        string? Field(string name) =>
            lines.FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..]
                .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0];
        return new ProcStatus(
            Field("VmRSS") is { } resident ? long.Parse(resident, CultureInfo.InvariantCulture) : 0, // none in a zombie
            int.Parse(Field("Threads")!, CultureInfo.InvariantCulture),
            ulong.Parse(Field("SigIgn")!, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}

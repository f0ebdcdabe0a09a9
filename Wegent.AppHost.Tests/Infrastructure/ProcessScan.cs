using System.Globalization;
using Wegent.Executor.Processes;

namespace Wegent.AppHost.Tests.Infrastructure;

/// <summary>A process seen in /proc, identified by its id and start time (an id alone may be reused).</summary>
public sealed record ScannedProcess(int Id, ulong StartTime, int ParentId, string CommandLine)
{
    public bool IsAlive => ProcessScan.Read(Id) is { } now && now.StartTime == StartTime && !ProcessScan.IsZombie(Id);

    public override string ToString() => $"{Id} {CommandLine}";
}

/// <summary>The processes of one run, found by what they inherit rather than by their names: an environment variable set
/// on the run's first process (DCP and everything it starts copy the environment), and the descendants of those.</summary>
public static class ProcessScan
{
    /// <summary>Every process whose environment holds <paramref name="variable"/>=<paramref name="value"/>, and every
    /// descendant of one (a child may be given an environment of its own).</summary>
    public static IReadOnlyList<ScannedProcess> Marked(string variable, string value)
    {
        var all = All();
        var run = all.Where(p => ProcEnviron.HasEntry(p.Id, $"{variable}={value}")).ToDictionary(p => p.Id);
        for (var added = true; added;)
        {
            added = false;
            foreach (var process in all.Where(p => !run.ContainsKey(p.Id) && run.ContainsKey(p.ParentId)))
            {
                run[process.Id] = process;
                added = true;
            }
        }

        return [.. run.Values.OrderBy(p => p.Id)];
    }

    public static ScannedProcess? Read(int id)
    {
        try
        {
            if (ProcStat.Read(id) is not { } stat) return null;
            var commandLine = File.ReadAllText($"/proc/{id}/cmdline").Replace('\0', ' ').Trim();
            return new ScannedProcess(id, stat.Identity.StartTime, stat.ParentId, commandLine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Exited but not yet reaped by its parent: gone for every purpose but the process table.</summary>
    public static bool IsZombie(int id) => ProcStat.Read(id) is { IsZombie: true };

    /// <summary>The ignored signals of process <paramref name="id"/> (SigIgn in /proc/ID/status), a bit per signal.</summary>
    public static ulong IgnoredSignals(int id) => ProcStatus.Read(id).IgnoredSignals;

    private static List<ScannedProcess> All() =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => Read(int.Parse(name!, CultureInfo.InvariantCulture)))
            .OfType<ScannedProcess>()];
}

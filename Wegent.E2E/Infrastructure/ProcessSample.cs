using System.Globalization;
using Wegent.Executor.Processes;

namespace Wegent.E2E.Infrastructure;

/// <summary>What a process holds at one moment, read from /proc: open descriptors, threads and resident memory.</summary>
public sealed record ProcessSample(int OpenFiles, int Threads, double ResidentMegabytes)
{
    /// <summary>What each descriptor points at (e.g. <c>pipe:[123]</c>), to name a leak.</summary>
    public IReadOnlyList<string> Descriptors { get; init; } = [];

    public static ProcessSample Of(int pid)
    {
        var status = ProcStatus.Read(pid);
        var descriptors = Directory.GetFiles(Path.Combine(ProcStat.DefaultRoot, pid.ToString(CultureInfo.InvariantCulture), "fd"))
            .Select(fd => new FileInfo(fd).LinkTarget ?? "(gone)").ToList();
        return new ProcessSample(descriptors.Count, status.Threads, status.ResidentMegabytes) { Descriptors = descriptors };
    }

    public override string ToString() => $"{OpenFiles} descriptors, {Threads} threads, {ResidentMegabytes:0.0} MB";
}

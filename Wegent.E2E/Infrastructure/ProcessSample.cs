using System.Globalization;

namespace Wegent.E2E.Infrastructure;

/// <summary>What a process holds at one moment, read from /proc: open descriptors, threads and resident memory.</summary>
public sealed record ProcessSample(int OpenFiles, int Threads, double ResidentMegabytes)
{
    /// <summary>What each descriptor points at (e.g. <c>pipe:[123]</c>), to name a leak.</summary>
    public IReadOnlyList<string> Descriptors { get; init; } = [];

    public static ProcessSample Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Field(string name) => double.Parse(status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var descriptors = Directory.GetFiles($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget ?? "(gone)").ToList();
        return new ProcessSample(descriptors.Count, (int)Field("Threads"), Field("VmRSS") / 1024) { Descriptors = descriptors };
    }

    public override string ToString() => $"{OpenFiles} descriptors, {Threads} threads, {ResidentMegabytes:0.0} MB";
}

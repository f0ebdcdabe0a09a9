using Wegent.Executor.Processes;

namespace Wegent.Executor.Tests.Processes;

public sealed class ProcStatusTests
{
    [Fact]
    public void Resident_memory_threads_and_ignored_signals_are_read_from_their_lines()
    {
        string[] lines = ["Name:\tdotnet", "Threads:\t23", "SigIgn:\t0000000000001002", "VmPeak:\t  300000 kB", "VmRSS:\t   51200 kB"];

        var status = ProcStatus.Parse(lines);

        Assert.Equal(new ProcStatus(51200, 23, 0x1002), status);
        Assert.Equal(50, status.ResidentMegabytes);
    }

    [Fact]
    public void This_process_has_memory_and_threads()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc is Linux's

        var status = ProcStatus.Read(Environment.ProcessId);

        Assert.True(status.ResidentKilobytes > 0 && status.Threads > 0, status.ToString());
    }
}

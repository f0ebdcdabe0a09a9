using System.Diagnostics;

namespace Wegent.Executor.Processes;

/// <summary>
/// Makes sure no agent process outlives the executor, however the executor ends (SIGKILL and crashes included).
/// A small shell process waits on a pipe from the executor (no CPU while it waits); the kernel closes the pipe when the
/// executor dies, and the reaper then kills every process whose environment carries this executor's run marker, tool
/// processes that started their own session included.
/// </summary>
public sealed class OrphanReaper : IDisposable
{
    private const int KillPasses = 5;

    // $1 = the marker entry prefix. Signals from the terminal must not stop it before its work is done.
    private const string Script = """
        trap '' INT TERM HUP
        cat > /dev/null
        pass=0
        while [ $pass -lt $2 ]; do
          found=0
          for environ in /proc/[0-9]*/environ; do
            if tr '\0' '\n' < "$environ" 2>/dev/null | grep -q "^$1"; then
              pid=${environ#/proc/}; kill -9 "${pid%/environ}" 2>/dev/null && found=1
            fi
          done
          [ $found -eq 0 ] && break
          pass=$((pass + 1))
        done
        """;

    private readonly Process _process;

    /// <summary>The reaper's process id (it lives as long as the executor).</summary>
    public int ProcessId => _process.Id;

    private OrphanReaper(Process process, string markerPrefix)
    {
        _process = process;
        MarkerPrefix = markerPrefix;
    }

    /// <summary>Every agent run of this executor carries <c>WEGENT_AGENT_RUN_ID=&lt;prefix&gt;-...</c>.</summary>
    public string MarkerPrefix { get; }

    /// <summary>Starts the reaper, or returns null where there is no /proc or no shell (the agent's own process-tree
    /// cleanup still covers every stop the executor lives through).</summary>
    public static OrphanReaper? Start()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/sh")) return null;
        var prefix = "x" + Guid.NewGuid().ToString("N")[..16];
        var start = ChildProcess.StartInfo("/bin/sh",
            ["-c", Script, "wegent-orphan-reaper", $"{ProcessTreeMarker.DefaultVariableName}={prefix}-", KillPasses.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        start.Environment.Remove(ProcessTreeMarker.DefaultVariableName);
        try
        {
            return new OrphanReaper(Process.Start(start)!, prefix);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Closes the pipe: the reaper sweeps once (nothing should be left after a clean stop) and exits.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using Wegent.Executor.Processes;

namespace Wegent.Bench;

/// <summary>One build of the executor to measure: the framework-dependent dotnet tool build or the single-file binary.</summary>
internal sealed record ExecutorBuild(string Name, string Path);

/// <summary>A running executor with its own home; reads its memory and CPU from /proc.</summary>
internal sealed class ExecutorUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _home;

    private ExecutorUnderTest(Process process, DirectoryInfo home, string deviceId, long spawnedAtMs)
    {
        _process = process;
        _home = home;
        DeviceId = deviceId;
        SpawnedAtMs = spawnedAtMs;
    }

    public string DeviceId { get; }

    public long SpawnedAtMs { get; }

    public int Pid => _process.Id;

    /// <summary>The executor's live log file (for lines the executor measures itself).</summary>
    public string LogFile => System.IO.Path.Combine(_home.FullName, ".wegent-executor", "logs", "executor.log");

    public static ExecutorUnderTest Start(ExecutorBuild build, DevBackendProcess backend, string fakeAgent, IReadOnlyDictionary<string, string>? settings = null)
    {
        var home = Directory.CreateTempSubdirectory("wegent-bench-executor-");
        var executorHome = System.IO.Path.Combine(home.FullName, ".wegent-executor");
        Directory.CreateDirectory(executorHome);
        var deviceId = "bench-" + Guid.NewGuid().ToString("N")[..12];
        File.WriteAllText(System.IO.Path.Combine(executorHome, "device_id"), deviceId);
        var start = new ProcessStartInfo(build.Path)
        {
            WorkingDirectory = home.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = home.FullName;
        start.Environment["WEGENT_EXECUTOR_HOME"] = executorHome;
        start.Environment["WEGENT_BACKEND_URL"] = backend.Url;
        start.Environment["WEGENT_AUTH_TOKEN"] = DevBackendProcess.Token;
        start.Environment["WEGENT_CLAUDE_CLI"] = fakeAgent;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var spawnedAt = Clock.NowMs();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{build.Path} did not start");
        // Drain the console so the executor never blocks on a full pipe; the bench does not read it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return new ExecutorUnderTest(process, home, deviceId, spawnedAt);
    }

    /// <summary>Resident set size in MB (VmRSS).</summary>
    public double ResidentMegabytes() => ProcStatus.Read(Pid).ResidentMegabytes;

    /// <summary>User plus system CPU time so far, in ms.</summary>
    public double CpuMilliseconds() =>
        (ProcStat.Read(Pid) ?? throw new InvalidOperationException($"The executor (pid {Pid}) has exited.")).CpuTime.TotalMilliseconds;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            _home.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

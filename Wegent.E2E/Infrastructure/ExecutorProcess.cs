using Wegent.Executor.Processes;

namespace Wegent.E2E.Infrastructure;

/// <summary>The real <c>wegent-executor</c> process, with its own home (so its device id, workspace and outbox are its own).</summary>
public sealed class ExecutorProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _environment;

    private ExecutorProcess(DirectoryInfo home, Dictionary<string, string?> environment)
    {
        HomeDirectory = home;
        _environment = environment;
        DeviceId = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        Directory.CreateDirectory(Home);
        File.WriteAllText(Path.Combine(Home, "device_id"), DeviceId);
    }

    public DirectoryInfo HomeDirectory { get; }

    public string Home => Path.Combine(HomeDirectory.FullName, ".wegent-executor");

    public string Workspace => Path.Combine(Home, "workspace");

    public string DeviceId { get; }

    public ManagedProcess Process { get; private set; } = null!;

    /// <param name="home">The user's home (HOME) to use, e.g. inside a directory a test watches; a new temporary one by default.</param>
    /// <param name="prepareHome">Called with the executor home (device_id already written) before the process starts.</param>
    public static ExecutorProcess Start(DevBackend backend, Dictionary<string, string?>? settings = null, string? token = null, DirectoryInfo? home = null,
        Action<string>? prepareHome = null)
    {
        home ??= Directory.CreateTempSubdirectory("wegent-e2e-executor-");
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home.FullName,
            ["WEGENT_BACKEND_URL"] = backend.Url,
            ["WEGENT_AUTH_TOKEN"] = token ?? backend.Token,
            ["WEGENT_EXECUTOR_HOME"] = Path.Combine(home.FullName, ".wegent-executor"),
            ["WEGENT_CLAUDE_CLI"] = TestEnvironment.ClaudeCli,
            ["CLAUDE_CODE_TMPDIR"] = home.FullName,
            ["LOCAL_HEARTBEAT_INTERVAL"] = "1",
            ["LOCAL_RECONNECT_DELAY"] = "0.2",
            ["LOCAL_RECONNECT_MAX_DELAY"] = "1",
            ["LOG_LEVEL"] = "DEBUG",
            ["ANTHROPIC_API_KEY"] = null,
            ["ANTHROPIC_AUTH_TOKEN"] = null,
        };
        foreach (var (key, value) in settings ?? []) environment[key] = value;
        var executor = new ExecutorProcess(home, environment);
        prepareHome?.Invoke(executor.Home);
        executor.Launch();
        return executor;
    }

    /// <summary>Starts the executor again on the same home (after it exited or was killed).</summary>
    public void Launch() => Process = StartProcess("executor");

    /// <summary>A second executor on this one's home, with the same settings (the caller disposes it).</summary>
    public ManagedProcess StartSecondOnSameHome() => StartProcess("second executor");

    private ManagedProcess StartProcess(string name) =>
        ManagedProcess.Start(name, TestEnvironment.ExecutorPath, [], HomeDirectory.FullName, _environment);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        ProcessScan.KillUnder(Workspace);
        try
        {
            HomeDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Finds processes by their working directory, to prove none is left behind.</summary>
public static class ProcessScan
{
    public static IReadOnlyList<int> RunningUnder(string directory)
    {
        var prefix = Path.GetFullPath(directory);
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories(ProcStat.DefaultRoot))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid)) continue;
            try
            {
                var cwd = new FileInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (cwd is not null && cwd.StartsWith(prefix, StringComparison.Ordinal) && ProcStat.Read(pid) is { IsZombie: false }) found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public static void KillUnder(string directory)
    {
        foreach (var pid in RunningUnder(directory)) _ = PosixNative.SendSignal(pid, UnixSignal.Kill);
    }
}

using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Container mode (opt-in): the dev backend runs in a container built from backend/Dockerfile, the real
/// executor and the real Claude Code CLI on the host, all on 127.0.0.1.</summary>
public sealed class ContainerModeTests
{
    [ContainerFact]
    public async Task Executor_completes_a_task_from_the_containerized_backend()
    {
        await using var backend = await ContainerBackend.StartAsync();
        var home = Directory.CreateTempSubdirectory("wegent-e2e-container-executor-");
        var deviceId = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var executorHome = Path.Combine(home.FullName, ".wegent-executor");
        Directory.CreateDirectory(executorHome);
        await File.WriteAllTextAsync(Path.Combine(executorHome, "device_id"), deviceId);
        try
        {
            await using var executor = StartExecutor(backend, home.FullName, executorHome);
            await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == deviceId && d["connected"]?.GetValue<bool>() == true, "registered");

            var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Write hello.py", ["scenario"] = "write-file" });
            var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

            Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
            Assert.Contains("I created hello.py", subtask["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
            var written = Path.Combine(executorHome, "workspace", taskId.ToString(System.Globalization.CultureInfo.InvariantCulture), "hello.py");
            Assert.Equal("print(\"Hello, World!\")\n", await File.ReadAllTextAsync(written));
        }
        finally
        {
            ProcessScan.KillUnder(Path.Combine(executorHome, "workspace"));
            home.Delete(recursive: true);
        }
    }

    /// <summary>The settings ExecutorProcess gives an executor, pointed at the container's URL.</summary>
    private static ManagedProcess StartExecutor(ContainerBackend backend, string home, string executorHome) =>
        ManagedProcess.Start("executor", TestEnvironment.ExecutorPath, [], home, new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["WEGENT_BACKEND_URL"] = backend.Url,
            ["WEGENT_AUTH_TOKEN"] = backend.Token,
            ["WEGENT_EXECUTOR_HOME"] = executorHome,
            ["WEGENT_CLAUDE_CLI"] = TestEnvironment.ClaudeCli,
            ["CLAUDE_CODE_TMPDIR"] = home,
            ["LOCAL_HEARTBEAT_INTERVAL"] = "1",
            ["LOCAL_RECONNECT_DELAY"] = "0.2",
            ["LOCAL_RECONNECT_MAX_DELAY"] = "1",
            ["LOG_LEVEL"] = "DEBUG",
            ["ANTHROPIC_API_KEY"] = null,
            ["ANTHROPIC_AUTH_TOKEN"] = null,
        });
}

/// <summary>A container-mode test: runs only with WEGENT_E2E_BACKEND=container and a Docker engine that answers
/// (scripts/setup-docker-offline prepares one), and needs the Claude Code CLI like every E2E test.</summary>
public sealed class ContainerFactAttribute : FactAttribute
{
    public ContainerFactAttribute()
    {
        Timeout = Prerequisites.TestTimeoutMilliseconds;
        Skip = SkipReason();
    }

    private static string? SkipReason()
    {
        if (Environment.GetEnvironmentVariable("WEGENT_E2E_BACKEND") != "container")
            return "Container mode is opt-in: set WEGENT_E2E_BACKEND=container (after scripts/setup-docker-offline).";
        if (!OperatingSystem.IsLinux()) return "Container mode runs on Linux.";
        if (TestEnvironment.ClaudeCli is null) return "The Claude Code CLI is missing: run scripts/test, or set WEGENT_CLAUDE_CLI.";
        if (!DockerEngine.Answers()) return $"WEGENT_E2E_BACKEND=container, but no Docker engine answers at {DockerEngine.SocketPath}: run scripts/setup-docker-offline.";
        return null;
    }
}

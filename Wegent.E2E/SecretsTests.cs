using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Wegent.Executor.Processes;

namespace Wegent.E2E;

/// <summary>Secrets stay where they belong: the backend token never reaches logs, console, outbox or the agent; the
/// model key reaches the agent (the task supplies it for that) but no log or console line. The files that hold the
/// device's identity, the user's settings and the results are readable by their owner only.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecretsTests
{
    private const string BackendToken = "backend-secret-7f3a9c1e";
    private const string ModelKey = "model-secret-5d2b8e44";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode UserDefault = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <param name="scenarioPath">The scenario as a URL path segment (already escaped).</param>
    private static JsonObject ScriptedModel(DevBackend backend, string scenarioPath) => new()
    {
        ["env"] = new JsonObject
        {
            ["ANTHROPIC_BASE_URL"] = $"{backend.ModelUrl}/scripted/{scenarioPath}",
            ["ANTHROPIC_AUTH_TOKEN"] = ModelKey,
            ["ANTHROPIC_MODEL"] = "scripted-model",
        },
    };

    [E2EFact]
    public async Task The_backend_token_and_the_model_key_appear_nowhere_they_do_not_belong()
    {
        await using var backend = await DevBackend.StartAsync(new() { ["WEGENT_DEV_TOKENS"] = BackendToken });
        // As a user typically leaves it: written with the default umask, readable by everyone.
        await using var executor = ExecutorProcess.Start(backend, prepareHome: home =>
        {
            var configEnv = Path.Combine(home, "config.env");
            File.WriteAllText(configEnv, "# written by the user\nLOCAL_AGENT_MAX_RETRIES=0\n");
            File.SetUnixFileMode(configEnv, UserDefault);
            File.SetUnixFileMode(Path.Combine(home, "device_id"), UserDefault);
        });
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(executor.Home, "config.env")));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(executor.Home, "device_id")));
        Assert.Single(executor.Process.Lines, line => line.Contains("WARNING", StringComparison.Ordinal)
            && line.Contains("config.env was readable or writable by group or others (mode 644)", StringComparison.Ordinal));

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = "Show the environment",
            ["scenario"] = "bash:env > agent-env.txt",
            ["agent_config"] = ScriptedModel(backend, "bash:env%20%3E%20agent-env.txt"),
        });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());

        var taskDirectory = Path.Combine(executor.Workspace, taskId.ToString(CultureInfo.InvariantCulture));
        var agentEnvironment = await File.ReadAllTextAsync(Path.Combine(taskDirectory, "agent-env.txt"));
        Assert.DoesNotContain(BackendToken, agentEnvironment, StringComparison.Ordinal);
        Assert.DoesNotContain("WEGENT_AUTH_TOKEN", agentEnvironment, StringComparison.Ordinal);
        Assert.Contains(ModelKey, agentEnvironment, StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(taskDirectory, ".claude", "settings.json")));

        var outboxFile = await AFinalResultHeldInTheOutboxAsync(backend, executor);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(outboxFile));

        executor.Process.Signal(UnixSignal.Terminate);
        await executor.Process.WaitForExitAsync();
        Assert.DoesNotContain(BackendToken, executor.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ModelKey, executor.Process.Output, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(executor.Home, "logs")).Append(outboxFile))
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain(BackendToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ModelKey, text, StringComparison.Ordinal);
        }
    }

    /// <summary>A task finishes while the backend is frozen (socket open, no acks), so its final result must wait in the
    /// outbox; once thawed the backend gets it and the outbox empties. Returns a copy of the entry taken while it waited.</summary>
    private static async Task<string> AFinalResultHeldInTheOutboxAsync(DevBackend backend, ExecutorProcess executor)
    {
        // Streams for 5 s: the freeze lands long before the end.
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = "Stream slowly",
            ["scenario"] = "slow:5",
            ["agent_config"] = ScriptedModel(backend, "slow:5"),
        });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");
        var entry = Path.Combine(executor.Home, "outbox", $"subtask-{subtaskId}.json");
        var copy = Path.Combine(executor.HomeDirectory.FullName, "outbox-entry-copy.json");
        backend.Freeze();
        try
        {
            await Wait.UntilAsync(() => File.Exists(entry), "the final result in the outbox");
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(entry));
            File.Copy(entry, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(entry));
        }
        finally
        {
            backend.Thaw();
        }

        var final = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        await Wait.UntilAsync(() => !File.Exists(entry), "the outbox entry removed once acknowledged");
        return copy;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Secrets stay where they belong: the backend token never reaches logs, console, outbox or the agent; the
/// model key reaches the agent (the task supplies it for that) but no log or console line.</summary>
public sealed class SecretsTests
{
    private const string BackendToken = "backend-secret-7f3a9c1e";
    private const string ModelKey = "model-secret-5d2b8e44";

    [E2EFact]
    public async Task The_backend_token_and_the_model_key_appear_nowhere_they_do_not_belong()
    {
        await using var backend = await DevBackend.StartAsync(new() { ["WEGENT_DEV_TOKENS"] = BackendToken });
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = "Show the environment",
            ["scenario"] = "bash:env > agent-env.txt",
            ["agent_config"] = new JsonObject
            {
                ["env"] = new JsonObject
                {
                    ["ANTHROPIC_BASE_URL"] = $"{backend.ModelUrl}/scripted/bash:env%20%3E%20agent-env.txt",
                    ["ANTHROPIC_AUTH_TOKEN"] = ModelKey,
                    ["ANTHROPIC_MODEL"] = "scripted-model",
                },
            },
        });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());

        var agentEnvironment = await File.ReadAllTextAsync(Path.Combine(executor.Workspace, taskId.ToString(CultureInfo.InvariantCulture), "agent-env.txt"));
        Assert.DoesNotContain(BackendToken, agentEnvironment, StringComparison.Ordinal);
        Assert.DoesNotContain("WEGENT_AUTH_TOKEN", agentEnvironment, StringComparison.Ordinal);
        Assert.Contains(ModelKey, agentEnvironment, StringComparison.Ordinal);

        executor.Process.Signal(PosixSignalKind.Terminate);
        await executor.Process.WaitForExitAsync();
        Assert.DoesNotContain(BackendToken, executor.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ModelKey, executor.Process.Output, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(executor.Home, "logs")).Concat(Directory.EnumerateFiles(Path.Combine(executor.Home, "outbox"))))
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain(BackendToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ModelKey, text, StringComparison.Ordinal);
        }

    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>What the agent is given (model settings, MCP servers, sub-agents, sessions) and how it fails, through the real
/// backend, executor and Claude Code CLI.</summary>
public sealed class AgentConfigurationTests(ITestOutputHelper output)
{
    private static async Task<(DevBackend Backend, ExecutorProcess Executor)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var backend = await DevBackend.StartAsync();
        var executor = ExecutorProcess.Start(backend, settings);
        await WaitRegisteredAsync(backend, executor);
        return (backend, executor);
    }

    private static Task WaitRegisteredAsync(DevBackend backend, ExecutorProcess executor) =>
        backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

    private static string TaskDirectory(ExecutorProcess executor, long taskId) =>
        Path.Combine(executor.Workspace, taskId.ToString(CultureInfo.InvariantCulture));

    private static string Value(JsonObject subtask) => subtask["result"]!["value"]!.GetValue<string>();

    [E2ETheory]
    [InlineData(401, "Failed to authenticate. API Error: 401 Scripted 401 error")]
    [InlineData(500, "API Error: 500 Scripted 500 error")]
    [InlineData(529, "API Error: 529 Scripted 529 error")]
    public async Task An_api_error_fails_the_task_with_the_clis_message_within_seconds(int status, string message)
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;
        var started = Stopwatch.StartNew();

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Hi", ["scenario"] = $"error:{status}" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        output.WriteLine($"API error {status}: FAILED after {started.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
        Assert.Contains(message, subtask["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}: the retries are not bounded");
    }

    [E2EFact]
    public async Task A_missing_claude_cli_fails_the_task_naming_what_to_install()
    {
        var missing = Path.Combine(Path.GetTempPath(), "wegent-e2e-no-such-dir-" + Guid.NewGuid().ToString("N"), "claude");
        var (backend, executor) = await StartAsync(new Dictionary<string, string?> { ["WEGENT_CLAUDE_CLI"] = missing });
        await using var _ = backend;
        await using var __ = executor;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Hi", ["scenario"] = "echo" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
        var error = subtask["error_message"]!.GetValue<string>();
        Assert.Contains($"Claude Code CLI not found (looked for '{missing}')", error, StringComparison.Ordinal);
        Assert.Contains("npm install -g @anthropic-ai/claude-code@", error, StringComparison.Ordinal);
        await executor.Process.WaitForLineAsync("Agent initialization failed: Claude Code CLI not found");
        Assert.False(executor.Process.HasExited);
    }

    [E2EFact]
    public async Task A_follow_up_resumes_the_session_after_an_executor_restart_and_new_session_starts_afresh()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;
        var (taskId, first) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "first question", ["scenario"] = "history" });
        Assert.Equal("History: first question", Value(await backend.Api.WaitForFinalAsync(taskId, first)));

        executor.Process.Signal(PosixSignalKind.Terminate);
        Assert.Equal(0, await executor.Process.WaitForExitAsync());
        await executor.Process.DisposeAsync();
        executor.Launch();
        await WaitRegisteredAsync(backend, executor);
        var second = await backend.Api.FollowUpAsync(taskId, new JsonObject { ["prompt"] = "second question", ["scenario"] = "history" });
        var resumed = await backend.Api.WaitForFinalAsync(taskId, second);
        var fresh = await backend.Api.FollowUpAsync(taskId, new JsonObject { ["prompt"] = "third question", ["scenario"] = "history", ["new_session"] = true });

        Assert.Equal("History: first question | second question", Value(resumed));
        Assert.Equal("History: third question", Value(await backend.Api.WaitForFinalAsync(taskId, fresh)));
    }

    [E2EFact]
    public async Task A_coordinate_team_gets_its_model_mcp_servers_and_sub_agents_but_never_the_executor_token()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;
        const string scenario = "bash:env > agent-env.txt";

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = "Record the environment",
            ["scenario"] = scenario,
            ["mode"] = "coordinate",
            ["user"] = new JsonObject { ["name"] = "e2e-user" },
            ["bots"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "lead",
                    ["shell_type"] = "ClaudeCode",
                    ["system_prompt"] = "You lead the team.",
                    ["mcp_servers"] = new JsonObject
                    {
                        ["mcpServers"] = new JsonObject
                        {
                            ["probe"] = new JsonObject { ["command"] = "true", ["args"] = new JsonArray("${{user.name}}", "${{task_id}}") },
                        },
                    },
                    // A UI model: api_key encrypted as the backend does, base_url with the /v1 the executor strips.
                    ["agent_config"] = new JsonObject
                    {
                        ["env"] = new JsonObject
                        {
                            ["model"] = "claude",
                            ["model_id"] = "scripted-model",
                            ["api_key"] = EncryptLikeTheBackend("scripted-key"),
                            ["base_url"] = $"{backend.ModelUrl}/scripted/{Uri.EscapeDataString(scenario)}/v1",
                        },
                    },
                },
                new JsonObject { ["name"] = "Code Reviewer", ["role"] = "Reviews the lead's changes", ["system_prompt"] = "You review code." }),
        });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        var taskDirectory = TaskDirectory(executor, taskId);
        var agentEnvironment = (await File.ReadAllLinesAsync(Path.Combine(taskDirectory, "agent-env.txt")))
            .Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.DoesNotContain("WEGENT_AUTH_TOKEN", agentEnvironment.Keys);
        Assert.Equal("scripted-key", agentEnvironment["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal($"{backend.ModelUrl}/scripted/{Uri.EscapeDataString(scenario)}", agentEnvironment["ANTHROPIC_BASE_URL"]);

        var mcpConfig = Path.Combine(taskDirectory, ".claude", "mcp.json");
        var probe = JsonNode.Parse(await File.ReadAllTextAsync(mcpConfig))!["mcpServers"]!["probe"]!;
        Assert.Equal(new JsonArray("e2e-user", taskId.ToString(CultureInfo.InvariantCulture)).ToJsonString(), probe["args"]!.ToJsonString());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(mcpConfig));
        Assert.Equal(
            "---\nname: code-reviewer\ndescription: \"Reviews the lead's changes\"\n---\n\nYou review code.\n",
            await File.ReadAllTextAsync(Path.Combine(taskDirectory, ".claude", "agents", "code-reviewer.md")));
    }

    private static string EncryptLikeTheBackend(string plain)
    {
        using var aes = Aes.Create();
        aes.Key = Encoding.UTF8.GetBytes("12345678901234567890123456789012");
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(plain), Encoding.UTF8.GetBytes("1234567890123456"), PaddingMode.PKCS7));
    }
}

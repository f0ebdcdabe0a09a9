using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>What the agent is given (model settings, MCP servers, sub-agents) and how it fails, through the real backend,
/// executor and Claude Code CLI, in the generation a user meets today (Responses-API); the team's configuration in both,
/// since each generation declares MCP servers in its own shape.</summary>
public sealed class AgentConfigurationTests(ITestOutputHelper output)
{
    private static string TaskDirectory(ExecutorProcess executor, long taskId) =>
        Path.Combine(executor.Workspace, taskId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Statuses the CLI retries differently (401 not at all, 529 three times): each must end the task within
    /// seconds. A 500 is one of the task tests (<see cref="TaskExecutionTests"/>), in both generations.</summary>
    [E2ETheory]
    [InlineData(401, "Failed to authenticate. API Error: 401 Scripted 401 error")]
    [InlineData(529, "API Error: 529 Scripted 529 error")]
    public async Task An_api_error_fails_the_task_with_the_clis_message_within_seconds(int status, string message)
    {
        await using var rig = await TaskRig.StartAsync(BackendGeneration.Responses);
        var backend = rig.Backend;
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
        await using var rig = await TaskRig.StartAsync(BackendGeneration.Responses, new() { ["WEGENT_CLAUDE_CLI"] = missing });
        var (backend, executor) = rig;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Hi", ["scenario"] = "echo" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
        var error = subtask["error_message"]!.GetValue<string>();
        Assert.Contains($"Claude Code CLI not found (looked for '{missing}')", error, StringComparison.Ordinal);
        Assert.Contains("npm install -g @anthropic-ai/claude-code@", error, StringComparison.Ordinal);
        await executor.Process.WaitForLineAsync("Agent initialization failed: Claude Code CLI not found");
        Assert.False(executor.Process.HasExited);
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task A_coordinate_team_gets_its_model_mcp_servers_and_sub_agents_but_never_the_executor_token(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var (backend, executor) = rig;
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
                    // The January backend sends the Ghost's dict; the newer one a list of named servers.
                    ["mcp_servers"] = generation == BackendGeneration.Legacy
                        ? new JsonObject
                        {
                            ["mcpServers"] = new JsonObject
                            {
                                ["probe"] = new JsonObject { ["command"] = "true", ["args"] = new JsonArray("${{user.name}}", "${{task_id}}") },
                            },
                        }
                        : new JsonArray(new JsonObject
                        {
                            ["name"] = "probe",
                            ["type"] = "stdio",
                            ["command"] = "true",
                            ["args"] = new JsonArray("${{user.name}}", "${{task_id}}"),
                        }),
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

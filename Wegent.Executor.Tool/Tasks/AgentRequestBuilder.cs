using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Configuration;
using Wegent.Executor.Protocol;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tasks;

/// <summary>Turns a task and its prepared workspace into what the agent runs: prompt, environment, config directory (model
/// settings, MCP servers, sub-agents), system prompt and the session to resume.</summary>
public sealed class AgentRequestBuilder(WorkspaceLayout layout, AgentRequestBuilderOptions settings)
{
    /// <summary>The shell of the bots this executor runs (bot[0].shell_type; a missing one means this).</summary>
    public const string ClaudeCodeShell = "ClaudeCode";

    /// <summary>Refuses a task whose bot needs another agent (<c>Agno</c>, <c>Dify</c>, <c>Codex</c>...), before anything
    /// is prepared for it.</summary>
    /// <exception cref="WorkspaceException">The task cannot run here; the message names the shell.</exception>
    public static void EnsureSupported(TaskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Bot?.ShellType is not { } shell || shell.Trim().Equals(ClaudeCodeShell, StringComparison.OrdinalIgnoreCase)) return;
        var name = Printable(shell.Trim());
        var bot = string.IsNullOrWhiteSpace(request.Bot.Name) ? "the task's bot" : $"bot '{Printable(request.Bot.Name)}'";
        throw new WorkspaceException(
            $"This executor runs Claude Code only, and {bot} has shell type '{name}'. Run the task on an executor for {name}, or give the bot the {ClaudeCodeShell} shell.");
    }

    public AgentRequest Create(TaskRequest request, PreparedWorkspace workspace)
    {
        var configDirectory = layout.AgentConfigDirectory(request.TaskId);
        var environment = AgentEnvironment.Build(request.Bot, request.ModelConfig, settings);
        var agentSettings = new JsonObject
        {
            ["env"] = new JsonObject(environment.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        PrivateFile.Write(Path.Combine(configDirectory, "settings.json"), agentSettings.ToJsonString());
        var mcpConfigPath = WriteMcpConfig(request, configDirectory);
        SubAgentFiles.Write(request.Raw, configDirectory);

        return new AgentRequest
        {
            TaskId = request.TaskId,
            SubtaskId = request.SubtaskId,
            Prompt = workspace.Prompt ?? request.Prompt,
            WorkingDirectory = workspace.WorkingDirectory,
            TaskDirectory = workspace.TaskDirectory,
            ConfigDirectory = configDirectory,
            Environment = environment,
            SystemPrompt = request.SystemPrompt,
            McpConfigPath = mcpConfigPath,
            ResumeSessionId = request.NewSession ? null : layout.ReadSessionId(request.TaskId),
        };
    }

    private static string Printable(string text) => TextShortener.Shorten(new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]), 100);

    /// <summary>Owner-only: server settings often carry tokens. A file left by an earlier run of the task is removed.</summary>
    private string? WriteMcpConfig(TaskRequest request, string configDirectory)
    {
        var path = Path.Combine(configDirectory, McpConfiguration.FileName);
        if (McpConfiguration.Build(request.McpServers, request.Raw, settings.ExecutorVariable) is not { } config)
        {
            File.Delete(path);
            return null;
        }

        PrivateFile.Write(path, config.ToJsonString());
        return path;
    }
}

public sealed record AgentRequestBuilderOptions
{
    /// <summary>The device owner's key (ANTHROPIC_API_KEY), used when a task brings no credential and only towards
    /// <see cref="OwnerBaseUrl"/>.</summary>
    public string? FallbackApiKey { get; init; }

    /// <summary>The owner's model endpoint (the ANTHROPIC_BASE_URL setting); null: Anthropic's API.</summary>
    public string? OwnerBaseUrl { get; init; }

    /// <summary>Names of the executor's environment variables a task may use as <c>${NAME}</c> besides ANTHROPIC_* and
    /// CLAUDE_* (LOCAL_AGENT_ENV_ALLOW).</summary>
    public IReadOnlySet<string> AllowedVariables { get; init; } = new HashSet<string>();

    /// <summary>Reads the executor's environment, for <c>${NAME}</c> values in a task's model settings and the AES key of
    /// encrypted secrets.</summary>
    public Func<string, string?> ExecutorVariable { get; init; } = Environment.GetEnvironmentVariable;
}

using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>A validated <c>task:execute</c> payload: what the executor needs, typed. <see cref="Raw"/> keeps the rest.</summary>
public sealed record TaskRequest
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }

    /// <summary>When the payload arrived: a <see cref="TimeProvider.System"/> timestamp (real time even under a test
    /// clock), for the "first progress after" measure; 0 when unknown.</summary>
    public long ReceivedAt { get; init; }
    public string TaskTitle { get; init; } = "";
    public string SubtaskTitle { get; init; } = "";
    /// <summary>The prompt's text: the prompt itself, or the texts of its content blocks joined.</summary>
    public required string Prompt { get; init; }

    /// <summary>The prompt's content blocks in order, when it came as a list (text, images, blocks left out); else empty.</summary>
    public IReadOnlyList<PromptPart> PromptParts { get; init; } = [];

    /// <summary>The system prompt for the agent: the top-level <c>system_prompt</c> of a newer backend, else bot[0]'s.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>The repository: top-level <c>git_url</c>, <c>git_repo</c>, <c>branch_name</c>, else <c>workspace.repository</c>'s
    /// (and <c>workspace.branch</c>).</summary>
    public string? GitUrl { get; init; }
    public string? GitRepo { get; init; }
    public string? BranchName { get; init; }
    public bool NewSession { get; init; }
    public string? AuthToken { get; init; }
    public BotConfig? Bot { get; init; }

    /// <summary>The skills to install, each with the backend's reference when one was sent.</summary>
    public IReadOnlyList<SkillRequest> Skills { get; init; } = [];

    /// <summary>MCP servers by name (bot[0]'s, then the top-level list's), as sent: placeholders not yet filled.</summary>
    public JsonObject? McpServers { get; init; }

    /// <summary><c>message_id</c> of a newer backend's payload: echoed in every Responses-API result event.</summary>
    public long? MessageId { get; init; }

    /// <summary>The top-level <c>model_config</c> of a newer backend's payload (PROTOCOL-RESPONSES.md section 5).</summary>
    public JsonObject? ModelConfig { get; init; }

    /// <summary>The payload has the keys only a backend taking Responses-API results sends (<c>model_config</c> or
    /// <c>collaboration_model</c>, PROTOCOL-RESPONSES.md section 10): its results go back as <c>response.*</c> events.</summary>
    public bool FromResponsesApiBackend { get; init; }

    public required JsonObject Raw { get; init; }
}

/// <summary>bot[0], the bot that drives the agent.</summary>
public sealed record BotConfig
{
    public string? Name { get; init; }
    public string? ShellType { get; init; }
    public string? SystemPrompt { get; init; }
    /// <summary>agent_config.env as sent (either shape; see PROTOCOL.md section 4).</summary>
    public JsonObject? AgentEnv { get; init; }
}

/// <summary>A <c>task:cancel</c> payload.</summary>
public sealed record TaskCancelRequest(long? TaskId, long? SubtaskId);

namespace Wegent.Executor.Agents;

public sealed record AgentRequest
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }
    public required string Prompt { get; init; }
    public required string WorkingDirectory { get; init; }
    /// <summary>The task's own folder (<c>{root}/{task_id}</c>): what a sandboxed agent may write.</summary>
    public string? TaskDirectory { get; init; }
    /// <summary>The agent's own config directory (CLAUDE_CONFIG_DIR).</summary>
    public required string ConfigDirectory { get; init; }
    /// <summary>Variables added to (value) or removed from (null) the executor's environment for the child.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? SystemPrompt { get; init; }
    /// <summary>A file for <c>--mcp-config</c>, when the task names MCP servers.</summary>
    public string? McpConfigPath { get; init; }
    public string? ResumeSessionId { get; init; }
}

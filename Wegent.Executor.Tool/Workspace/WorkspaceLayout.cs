using System.Globalization;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Workspace;

/// <summary>Where a task's files live: <c>{root}/{task_id}/</c>, nothing outside the root.</summary>
public sealed class WorkspaceLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string TaskDirectory(long taskId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(taskId);
        return Path.Combine(Root, taskId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The agent's own config directory (CLAUDE_CONFIG_DIR) of a task.</summary>
    public string AgentConfigDirectory(long taskId) => Path.Combine(TaskDirectory(taskId), ".claude");

    public string SessionIdFile(long taskId) => Path.Combine(TaskDirectory(taskId), ".claude_session_id");

    public string? ReadSessionId(long taskId)
    {
        var path = SessionIdFile(taskId);
        if (!File.Exists(path)) return null;
        var id = File.ReadAllText(path).Trim();
        return id.Length is > 0 and <= 200 ? id : null;
    }

    public void SaveSessionId(long taskId, string sessionId) => PrivateFile.Write(SessionIdFile(taskId), sessionId);
}

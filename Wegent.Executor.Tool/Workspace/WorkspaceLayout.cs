using System.Globalization;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Workspace;

/// <summary>Where a task's files live: <c>{root}/{task_id}/</c>, nothing outside the root. The executor's own entries
/// there (the agent's <c>.claude/</c>, <c>attachments/</c>, bookkeeping files) are kept apart from repositories, which go
/// to <c>repo/{name}</c>, so no repository can land on them.</summary>
public sealed class WorkspaceLayout(string root)
{
    public const string AgentConfigFolderName = ".claude";
    public const string AttachmentsFolderName = "attachments";
    public const string RepositoriesFolderName = "repo";
    public const string SessionIdFileName = ".claude_session_id";

    /// <summary>Names in a task folder the executor writes itself.</summary>
    private static readonly IReadOnlySet<string> ExecutorEntries = new HashSet<string>(StringComparer.Ordinal)
    {
        AgentConfigFolderName, AttachmentsFolderName, RepositoriesFolderName, SessionIdFileName, RepositoryCheckout.BaseCommitFileName,
    };

    public string Root { get; } = Path.GetFullPath(root);

    public string TaskDirectory(long taskId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(taskId);
        return Path.Combine(Root, taskId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The agent's own config directory (CLAUDE_CONFIG_DIR) of a task.</summary>
    public string AgentConfigDirectory(long taskId) => Path.Combine(TaskDirectory(taskId), AgentConfigFolderName);

    public string SessionIdFile(long taskId) => Path.Combine(TaskDirectory(taskId), SessionIdFileName);

    /// <summary>Creates the task's folder (0700) and removes every symbolic link among the executor's own entries in it,
    /// and anywhere inside its <c>.claude/</c> and <c>attachments/</c>, so that what the executor writes next (settings,
    /// skills, attachments, bookkeeping) never goes through a link to somewhere else. A link there was planted: by an agent
    /// of an earlier message, or by a repository checked out over the executor's folders by an older version.</summary>
    /// <returns>The task folder.</returns>
    public string PrepareTaskDirectory(long taskId)
    {
        var task = TaskDirectory(taskId);
        RemoveIfLink(task);
        ExecutorDirectories.CreatePrivate(task);
        foreach (var name in ExecutorEntries) RemoveIfLink(Path.Combine(task, name));
        RemoveLinksWithin(Path.Combine(task, AgentConfigFolderName));
        RemoveLinksWithin(Path.Combine(task, AttachmentsFolderName));
        return task;
    }

    public string? ReadSessionId(long taskId)
    {
        var path = SessionIdFile(taskId);
        if (!File.Exists(path)) return null;
        var id = File.ReadAllText(path).Trim();
        return id.Length is > 0 and <= 200 ? id : null;
    }

    public void SaveSessionId(long taskId, string sessionId) => PrivateFile.Write(SessionIdFile(taskId), sessionId);

    /// <summary>Whether <paramref name="path"/> is a symbolic link (not followed).</summary>
    public static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static void RemoveIfLink(string path)
    {
        if (IsLink(path)) File.Delete(path);
    }

    private static void RemoveLinksWithin(string directory)
    {
        if (!Directory.Exists(directory)) return;
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null) File.Delete(entry.FullName);
            else if (entry is DirectoryInfo subdirectory) RemoveLinksWithin(subdirectory.FullName);
        }
    }
}

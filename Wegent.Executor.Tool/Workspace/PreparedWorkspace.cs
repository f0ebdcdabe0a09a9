namespace Wegent.Executor.Workspace;

/// <summary>Where a task's agent works, once its files are in place.</summary>
public sealed record PreparedWorkspace
{
    /// <summary><c>{root}/{task_id}</c>.</summary>
    public required string TaskDirectory { get; init; }

    /// <summary>The agent's cwd: the repository checkout when there is one, else the task directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The checkout, when the task names a repository.</summary>
    public string? RepositoryDirectory { get; init; }

    /// <summary>The prompt as preparation left it (e.g. attachments resolved to local paths); null keeps the task's.</summary>
    public string? Prompt { get; init; }
}

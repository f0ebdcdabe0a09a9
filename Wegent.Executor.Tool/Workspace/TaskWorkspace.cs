using Wegent.Executor.Protocol;

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

/// <summary>Puts a task's files in place before the agent runs.</summary>
public interface IWorkspacePreparer
{
    /// <exception cref="WorkspaceException">The task cannot run here; the message is shown to the user.</exception>
    Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken);
}

/// <summary>A failure to prepare a task's workspace, worded for the user.</summary>
public sealed class WorkspaceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Creates <c>{root}/{task_id}</c> and runs the agent there: nothing else (tests, tasks without downloads).</summary>
public sealed class TaskDirectoryPreparer(WorkspaceLayout layout) : IWorkspacePreparer
{
    public Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        var taskDirectory = layout.PrepareTaskDirectory(request.TaskId);
        return Task.FromResult(new PreparedWorkspace { TaskDirectory = taskDirectory, WorkingDirectory = taskDirectory });
    }
}

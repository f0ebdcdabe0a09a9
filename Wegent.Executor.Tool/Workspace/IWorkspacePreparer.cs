using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>Puts a task's files in place before the agent runs.</summary>
public interface IWorkspacePreparer
{
    /// <exception cref="WorkspaceException">The task cannot run here; the message is shown to the user.</exception>
    Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken);
}

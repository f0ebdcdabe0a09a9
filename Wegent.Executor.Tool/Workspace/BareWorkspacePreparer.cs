using Wegent.Executor.Protocol;

namespace Wegent.Executor.Workspace;

/// <summary>Creates <c>{root}/{task_id}</c> and runs the agent there: nothing else (tests, tasks without downloads).</summary>
public sealed class BareWorkspacePreparer(WorkspaceLayout layout) : IWorkspacePreparer
{
    public Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        var taskDirectory = layout.PrepareTaskDirectory(request.TaskId);
        return Task.FromResult(new PreparedWorkspace { TaskDirectory = taskDirectory, WorkingDirectory = taskDirectory });
    }
}

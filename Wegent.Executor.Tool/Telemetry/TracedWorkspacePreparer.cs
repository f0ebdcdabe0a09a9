using Wegent.Executor.Protocol;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Telemetry;

/// <summary>Puts workspace preparation (the git clone, attachments, skills) in a <c>task.workspace</c> span.</summary>
public sealed class TracedWorkspacePreparer(IWorkspacePreparer inner) : IWorkspacePreparer
{
    public async Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        using var span = ExecutorTelemetry.StartWorkspace();
        return await inner.PrepareAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

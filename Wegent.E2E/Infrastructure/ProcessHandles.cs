using System.Diagnostics;
using Wegent.AppHost.Model;
using Wegent.AppHost.Orchestrator;

namespace Wegent.E2E.Infrastructure;

/// <summary>What <see cref="ManagedProcess"/> needs of the process it watches.</summary>
internal interface IProcessHandle : IDisposable
{
    int Id { get; }

    bool HasExited { get; }

    /// <summary>The exit code, once the process has exited and its output is read.</summary>
    Task<int> WaitForExitAsync();

    void KillTree();
}

/// <summary>A process started by the test itself.</summary>
internal sealed class ChildProcessHandle(Process process) : IProcessHandle
{
    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public async Task<int> WaitForExitAsync()
    {
        await process.WaitForExitAsync();
        process.WaitForExit(); // returns once the redirected output is read to the end
        return process.ExitCode;
    }

    public void KillTree()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose() => process.Dispose();
}

/// <summary>One run (process <paramref name="pid"/>) of a resource the AppHost's orchestrator runs: it has exited once
/// the resource's snapshot shows another process or none, with the exit code the orchestrator saw.</summary>
internal sealed class ResourceRunHandle(ResourceSupervisor resource, int pid) : IProcessHandle
{
    public int Id => pid;

    public bool HasExited => resource.Snapshot.ProcessId != pid;

    public async Task<int> WaitForExitAsync()
    {
        var exited = await resource.WaitForAsync(s => s.ProcessId != pid, CancellationToken.None);
        return exited.ExitCode ?? throw new InvalidOperationException($"{resource.Name} ({pid}) ended without an exit code: {exited.State}");
    }

    /// <summary>The orchestrator's resources (uvicorn) are single processes.</summary>
    public void KillTree()
    {
        if (!HasExited) resource.Signal(ProcessSignal.Kill);
    }

    public void Dispose()
    {
    }
}

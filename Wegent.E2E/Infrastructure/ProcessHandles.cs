using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Wegent.Executor.Processes;

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

/// <summary>One run (process <paramref name="pid"/>) of a resource Aspire runs: it has exited once Aspire reports the
/// resource with another process or none, with the exit code DCP saw.</summary>
internal sealed class ResourceRunHandle(ResourceNotificationService notifications, string resourceName, int pid) : IProcessHandle
{
    public int Id => pid;

    public bool HasExited => !notifications.TryGetCurrentState(resourceName, out var current) || ProcessIdOf(current.Snapshot) != pid;

    public async Task<int> WaitForExitAsync()
    {
        var exited = await notifications.WaitForResourceAsync(resourceName, e => ProcessIdOf(e.Snapshot) != pid, CancellationToken.None);
        return exited.Snapshot.ExitCode ?? -1;
    }

    /// <summary>The AppHost's uvicorn resources are single processes.</summary>
    public void KillTree()
    {
        if (!HasExited) _ = PosixNative.SendSignal(pid, UnixSignal.Kill);
    }

    public void Dispose()
    {
    }

    /// <summary>The process of a running resource; null once it stopped or exited.</summary>
    public static int? ProcessIdOf(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.Running
            && snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            && int.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}

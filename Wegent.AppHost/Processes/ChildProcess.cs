using System.Diagnostics;
using Wegent.AppHost.Model;

namespace Wegent.AppHost.Processes;

/// <summary>One run of a resource's executable: output into its <see cref="ResourceLog"/>, stopped with SIGTERM,
/// then after a grace period its whole tree (descendants found before the signal included) is killed.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, Task exited)
    {
        _process = process;
        Exited = exited;
    }

    public int Id => _process.Id;

    /// <summary>Completes when the process has exited and its output is read to the end.</summary>
    public Task Exited { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(ResourceDefinition resource, ResourceLog log)
    {
        var command = resource.Command ?? throw new InvalidOperationException($"{resource.Name} has no command to run.");
        // Its own session: the terminal's Ctrl-C reaches only the AppHost, which then stops children in order.
        var useSetsid = OperatingSystem.IsLinux() && File.Exists(SetsidPath);
        var start = new ProcessStartInfo(useSetsid ? SetsidPath : command)
        {
            WorkingDirectory = resource.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (useSetsid) start.ArgumentList.Add(command);
        foreach (var argument in resource.Arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in resource.Environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var outputDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Forward(e.Data, isError: false, outputDone);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, isError: true, errorDone);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, Task.WhenAll(process.WaitForExitAsync(), outputDone.Task, errorDone.Task));

        void Forward(string? line, bool isError, TaskCompletionSource done)
        {
            if (line is null) done.TrySetResult();
            else log.Add(line, isError);
        }
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL to the process and every descendant.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var tree = ProcessTree.DescendantsOf(_process.Id);
        if (!_process.HasExited)
        {
            PosixSignals.Send(_process.Id, PosixSignals.Terminate);
            await _process.WaitForExitAsync().WaitAsync(grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        KillTree(tree);
        await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        KillTree(_process.HasExited ? [] : ProcessTree.DescendantsOf(_process.Id));
        await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    private void KillTree(IReadOnlyList<int> knownDescendants)
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }

        // Descendants that outlived their parent (reparented to init) are no longer in the tree above.
        foreach (var pid in knownDescendants)
        {
            if (ProcessTree.IsAlive(pid)) PosixSignals.Send(pid, PosixSignals.Kill);
        }
    }

    private const string SetsidPath = "/usr/bin/setsid";
}

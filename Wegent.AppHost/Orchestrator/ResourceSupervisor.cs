using Wegent.AppHost.Model;
using Wegent.AppHost.Processes;

namespace Wegent.AppHost.Orchestrator;

/// <summary>Keeps one resource in the state the user wants: waits for its dependencies, starts it, watches its
/// health, restarts it with backoff when it crashes (unless its policy says never), signals it on request, and stops
/// it (tree included) on request or shutdown.</summary>
public sealed class ResourceSupervisor
{
    private static readonly TimeSpan StartingProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RunningProbeInterval = TimeSpan.FromSeconds(5);
    private const int FailedProbesBeforeUnhealthy = 3;

    private readonly ResourceDefinition _definition;
    private readonly IReadOnlyList<ResourceSupervisor> _dependencies;
    private readonly TimeProvider _time;
    private readonly TimeSpan _stopGrace;
    private readonly Lock _gate = new();
    private ResourceSnapshot _snapshot;
    private TaskCompletionSource _changed = NewSignal();
    private bool _wanted = true;
    private CancellationTokenSource _currentRun = new();

    internal ResourceSupervisor(ResourceDefinition definition, IReadOnlyList<ResourceSupervisor> dependencies, TimeProvider time, TimeSpan stopGrace)
    {
        _definition = definition;
        _dependencies = dependencies;
        _time = time;
        _stopGrace = stopGrace;
        _snapshot = new ResourceSnapshot(definition.Name, ResourceState.NotStarted, null,
            [.. definition.Endpoints.Select(e => e.ToString().TrimEnd('/'))], 0, null, null);
    }

    public string Name => _definition.Name;

    public ResourceLog Log { get; } = new();

    public ResourceSnapshot Snapshot
    {
        get
        {
            lock (_gate) return _snapshot;
        }
    }

    public bool IsExternal => _definition.Command is null;

    /// <summary>Completes when the snapshot satisfies <paramref name="condition"/>.</summary>
    public async Task<ResourceSnapshot> WaitForAsync(Func<ResourceSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_snapshot)) return _snapshot;
                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Start() => Command(wanted: true);

    public void Stop() => Command(wanted: false);

    /// <summary>Stops the current run (if any) and starts a new one.</summary>
    public void Restart() => Command(wanted: true);

    /// <summary>Sends <paramref name="signal"/> to the running process alone (not its tree); false when none runs.
    /// The supervisor reacts as to any exit: a killed resource is restarted unless its policy says never.</summary>
    public bool Signal(ProcessSignal signal)
    {
        if (Snapshot.ProcessId is not { } pid) return false;
        PosixSignals.Send(pid, (int)signal);
        return true;
    }

    /// <summary>Supervises until <paramref name="shutdown"/>; then stops the resource and returns.</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        var crashesInARow = 0;
        while (!shutdown.IsCancellationRequested)
        {
            CancellationToken run;
            lock (_gate) run = _currentRun.Token;
            using var runOrShutdown = CancellationTokenSource.CreateLinkedTokenSource(run, shutdown);
            if (!IsWanted())
            {
                Update(s => s with { State = ResourceState.Stopped, ProcessId = null });
                await WaitQuietly(Task.Delay(Timeout.Infinite, runOrShutdown.Token)).ConfigureAwait(false);
                continue;
            }

            var crashed = await RunOnceAsync(runOrShutdown.Token).ConfigureAwait(false);
            if (!crashed)
            {
                crashesInARow = 0;
                continue;
            }

            if (!_definition.Restart.RestartsOnCrash)
            {
                // Stays exited until a Start, Restart or Stop command cancels this run.
                await WaitQuietly(Task.Delay(Timeout.Infinite, runOrShutdown.Token)).ConfigureAwait(false);
                continue;
            }

            var delay = _definition.Restart.DelayBefore(crashesInARow++);
            Log.Add($"[apphost] {Name} exited; restarting in {delay.TotalSeconds:0.0} s", isError: true);
            await WaitQuietly(Task.Delay(delay, _time, runOrShutdown.Token)).ConfigureAwait(false);
            if (!runOrShutdown.IsCancellationRequested) Update(s => s with { Restarts = s.Restarts + 1 });
        }

        Update(s => s with { State = ResourceState.Stopped, ProcessId = null });
    }

    /// <summary>One run; true when the process ended on its own (a crash to restart from).</summary>
    private async Task<bool> RunOnceAsync(CancellationToken stop)
    {
        Update(s => s with { State = ResourceState.Waiting, Message = null });
        try
        {
            foreach (var dependency in _dependencies) await dependency.WaitForAsync(d => d.IsUp, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (IsExternal)
        {
            Update(s => s with { State = ResourceState.Starting });
            await WatchHealthAsync(stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return false;
        }

        Update(s => s with { State = ResourceState.Starting });
        ChildProcess process;
        try
        {
            process = ChildProcess.Start(_definition, Log);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            Log.Add($"[apphost] could not start {_definition.Command}: {ex.Message}", isError: true);
            Update(s => s with { State = ResourceState.FailedToStart, Message = ex.Message });
            return true;
        }

        await using (process.ConfigureAwait(false))
        {
            Update(s => s with { ProcessId = process.Id, ExitCode = null });
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var health = WatchHealthAsync(watch.Token);
            await Task.WhenAny(process.Exited, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
            await watch.CancelAsync().ConfigureAwait(false);
            await health.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (process.Exited.IsCompleted)
            {
                Update(s => s with { State = ResourceState.Exited, ExitCode = process.ExitCode, ProcessId = null, Message = $"exited with code {process.ExitCode}" });
                return true;
            }

            Update(s => s with { State = ResourceState.Stopping });
            await process.StopAsync(_stopGrace).ConfigureAwait(false);
            Update(s => s with { State = ResourceState.Stopped, ExitCode = process.ExitCode, ProcessId = null });
            return false;
        }
    }

    private async Task WatchHealthAsync(CancellationToken stop)
    {
        var probe = _definition.HealthProbe;
        if (probe is null)
        {
            Update(s => s with { State = ResourceState.Running });
            return;
        }

        var failures = 0;
        var healthy = false;
        while (!stop.IsCancellationRequested)
        {
            bool ok;
            try
            {
                ok = await probe.IsHealthyAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
            {
                ok = false;
            }

            if (stop.IsCancellationRequested) return;
            if (ok)
            {
                failures = 0;
                healthy = true;
                Update(s => s with { State = ResourceState.Healthy, Message = null });
            }
            else if (healthy && ++failures >= FailedProbesBeforeUnhealthy)
            {
                Update(s => s with { State = ResourceState.Unhealthy, Message = "health check failing" });
            }

            await Task.Delay(healthy ? RunningProbeInterval : StartingProbeInterval, _time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Command(bool wanted)
    {
        CancellationTokenSource previous;
        lock (_gate)
        {
            _wanted = wanted;
            previous = _currentRun;
            _currentRun = new CancellationTokenSource();
        }

        previous.Cancel();
    }

    private bool IsWanted()
    {
        lock (_gate) return _wanted;
    }

    private void Update(Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _snapshot = change(_snapshot);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task WaitQuietly(Task task) => await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
}

using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Agents;

/// <summary>Watches one started CLI process: reads its output, decides when to stop it, stops it, and judges the outcome.
/// Whatever happens, every process of the run is killed before the outcome is returned.</summary>
internal sealed class ClaudeCodeRun(Process process, ProcessTree tree, IAgentObserver observer, ClaudeCodeAgentOptions options)
{
    private const int StderrTailCapacity = 8 * 1024;
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    /// <summary>After the process is gone, how long its buffered output may take to be read.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly StreamJsonReader _reader = new();
    private readonly BoundedTextTail _stderr = new(StderrTailCapacity);
    private readonly TaskCompletionSource<AgentStopReason> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExceptionDispatchInfo? _observerFailure;

    private TimeProvider Time => options.TimeProvider;

    public async Task<AgentOutcome> WatchAsync(CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(options.IdleTimeout, Time);
        using var stopReading = new CancellationTokenSource();
        using var onIdle = idle.Token.Register(() => _stop.TrySetResult(AgentStopReason.IdleTimeout));
        using var onCancel = cancellationToken.Register(() => _stop.TrySetResult(AgentStopReason.Cancelled));
        var exit = process.WaitForExitAsync(CancellationToken.None);
        _ = exit.ContinueWith(_ => _stop.TrySetResult(AgentStopReason.Exited), TaskScheduler.Default);
        var stdout = ReadStdoutAsync(idle, stopReading.Token);
        var stderr = ReadStderrAsync(stopReading.Token);

        AgentStopReason reason;
        try
        {
            reason = await _stop.Task.ConfigureAwait(false);
            await StopAsync(reason, exit).ConfigureAwait(false);
        }
        finally
        {
            // Every path, a normal exit included: a tool may have left a background process behind.
            await tree.KillAllAsync(KillTimeout).ConfigureAwait(false);
            await WaitBoundedAsync(exit, KillTimeout).ConfigureAwait(false);
            await WaitBoundedAsync(Task.WhenAll(stdout, stderr), DrainTimeout).ConfigureAwait(false);
            await stopReading.CancelAsync().ConfigureAwait(false);
        }

        _observerFailure?.Throw();
        return ClaudeCodeOutcomeJudge.Judge(
            reason, process.HasExited ? process.ExitCode : null, _reader.Result, _reader.SessionId, _stderr.ToString(), options.IdleTimeout,
            _reader.TurnFinished, _reader.StopReason);
    }

    private async Task StopAsync(AgentStopReason reason, Task exit)
    {
        switch (reason)
        {
            case AgentStopReason.Cancelled or AgentStopReason.IdleTimeout:
                tree.FindMembers(); // remember the tree before signalling: the CLI's death orphans its tools
                if (!OperatingSystem.IsWindows())
                {
                    // SIGINT lets the CLI abort its tools and exit; a plain kill leaves tool shells running.
                    PosixNative.SendSignal(process.Id, UnixSignal.Interrupt);
                    await WaitBoundedAsync(exit, options.InterruptGracePeriod).ConfigureAwait(false);
                }

                break;
            case AgentStopReason.ResultExitHang:
            case AgentStopReason.Exited:
                break; // the kill in WatchAsync's finally is all that is needed
        }
    }

    private async Task ReadStdoutAsync(CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        var resultSeen = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                idle.CancelAfter(options.IdleTimeout);
                foreach (var agentEvent in _reader.Read(line))
                {
                    observer.OnEvent(agentEvent);
                }

                if (_reader.Result is not null && !resultSeen)
                {
                    resultSeen = true;
                    _ = WatchResultExitAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Abandoned: the pipe stayed open past the drain timeout.
        }
        catch (Exception e)
        {
            // An observer threw: stop the run and let the caller see the exception.
            _observerFailure = ExceptionDispatchInfo.Capture(e);
            _stop.TrySetException(e);
        }
    }

    /// <summary>The CLI is known to hang after printing its result; give it a grace period to exit on its own.</summary>
    private async Task WatchResultExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(options.ResultExitGracePeriod, Time, cancellationToken).ConfigureAwait(false);
            _stop.TrySetResult(AgentStopReason.ResultExitHang);
        }
        catch (OperationCanceledException)
        {
            // The run ended first.
        }
    }

    private async Task ReadStderrAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await process.StandardError.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                _stderr.AppendLine(line);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Abandoned, as stdout.
        }
    }

    private async Task WaitBoundedAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout, Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The caller goes on to the next, harder step.
        }
        catch (Exception) when (task.IsFaulted)
        {
            // Observed later by the caller that owns the task.
        }
    }
}

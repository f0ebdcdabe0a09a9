namespace Wegent.ServiceDefaults;

/// <summary>How long a process that is told to stop waits for its telemetry to reach the collector. An unreachable or
/// silent collector (a stopped Aspire dashboard, whose port DCP still holds) would otherwise hold it for the exporters'
/// own timeouts, 10 s per signal: long enough for a supervisor to kill it. The executor has two exporters (its logs, and
/// its traces and metrics), so it waits 2 s at most.</summary>
public static class TelemetryShutdown
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Disposes <paramref name="exporter"/> (which flushes it) but waits at most <see cref="Timeout"/>; what is
    /// not sent by then is given up, and the exporter's background threads end with the process.</summary>
    public static void Dispose(IDisposable exporter)
    {
        try
        {
            Task.Run(exporter.Dispose).WaitAsync(Timeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
        }
    }
}

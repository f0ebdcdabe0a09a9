using System.Diagnostics;
using System.Diagnostics.Metrics;
using Wegent.Executor.Configuration;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Telemetry;

/// <summary>The executor's traces and metrics, on System.Diagnostics only: with no listener (OTLP off) every call
/// here costs a null check, and no OpenTelemetry type is loaded. Wegent.ServiceDefaults exports them when asked.</summary>
public static class ExecutorTelemetry
{
    public const string Name = "Wegent.Executor";

    /// <summary>The task payload key holding the W3C traceparent of the backend's span.</summary>
    public const string TraceContextKey = "trace_context";

    private static readonly ActivitySource Source = new(Name, ExecutorVersion.Current);
    private static readonly Meter Meter = new(Name, ExecutorVersion.Current);
    private static readonly UpDownCounter<long> TasksRunning =
        Meter.CreateUpDownCounter<long>("wegent.executor.tasks.running", "{task}", "Subtasks running now.");
    private static readonly Counter<long> TasksFinished =
        Meter.CreateCounter<long>("wegent.executor.tasks.finished", "{task}", "Subtasks reported final, by outcome (COMPLETED, FAILED, CANCELLED).");
    private static readonly Histogram<double> HeartbeatRoundTrip =
        Meter.CreateHistogram<double>("wegent.executor.heartbeat.round_trip", "ms", "Time from a heartbeat to its ack.");
    private static readonly Histogram<double> FirstProgressLatency =
        Meter.CreateHistogram<double>("wegent.executor.task.first_progress", "ms", "Time from a task's arrival to its first progress event.");
    private static readonly Counter<long> Reconnects =
        Meter.CreateCounter<long>("wegent.executor.reconnects", "{reconnect}", "Connections to the backend lost and retried.");

    /// <summary>The span of one subtask, child of the backend's span when the payload carries its trace context.
    /// Dispose it when the subtask is over; it also keeps the tasks-running gauge.</summary>
    public static TaskTelemetryScope StartTask(TaskRequest request)
    {
        var activity = Source.HasListeners() ? StartTaskActivity(request) : null;
        TasksRunning.Add(1);
        return new TaskTelemetryScope(activity, TasksRunning);
    }

    /// <summary>The child span of the task span that prepares its workspace (clone, attachments, skills); null when nobody listens.</summary>
    public static Activity? StartWorkspace() => Source.StartActivity("task.workspace");

    /// <summary>The child span of the task span that runs the agent.</summary>
    public static Activity? StartAgentRun() => Source.StartActivity("task.agent");

    /// <summary>The child span of the task span that builds the final report and hands it to the outbox.</summary>
    public static Activity? StartDelivery() => Source.StartActivity("task.delivery");

    /// <summary>Counts the final status (the outcome), and tags the current (delivery) span with it.</summary>
    public static void TaskReported(string status)
    {
        TasksFinished.Add(1, new KeyValuePair<string, object?>("outcome", status));
        Activity.Current?.SetTag("wegent.task.status", status);
    }

    public static void HeartbeatAcknowledged(TimeSpan roundTrip) => HeartbeatRoundTrip.Record(roundTrip.TotalMilliseconds);

    public static void FirstProgressSent(TimeSpan latency) => FirstProgressLatency.Record(latency.TotalMilliseconds);

    public static void Reconnecting() => Reconnects.Add(1);

    /// <summary>Observes the number of final events not yet acknowledged by the backend until disposed.</summary>
    public static IDisposable ObserveOutboxDepth(Func<int> depth)
    {
        var meter = new Meter(Name, ExecutorVersion.Current);
        meter.CreateObservableGauge("wegent.executor.outbox.depth", depth, "{event}", "Final events waiting for the backend's ack.");
        return meter;
    }

    private static Activity? StartTaskActivity(TaskRequest request)
    {
        var traceParent = request.Raw[TraceContextKey] switch
        {
            System.Text.Json.Nodes.JsonValue value when value.TryGetValue<string>(out var text) => text,
            System.Text.Json.Nodes.JsonObject carrier => carrier["traceparent"]?.ToString(),
            _ => null,
        };
        var parent = ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        var activity = Source.StartActivity("task", ActivityKind.Consumer, parent);
        activity?.SetTag("wegent.task_id", request.TaskId);
        activity?.SetTag("wegent.subtask_id", request.SubtaskId);
        return activity;
    }
}

/// <summary>Ends the task span and leaves the running gauge.</summary>
public sealed class TaskTelemetryScope(Activity? activity, UpDownCounter<long> running) : IDisposable
{
    private int _disposed;

    public Activity? Activity => activity;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        running.Add(-1);
        activity?.Dispose();
    }
}

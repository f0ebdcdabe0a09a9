using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Telemetry;
using Wegent.Executor.Workspace;
using Wegent.ServiceDefaults;

namespace Wegent.Executor.Tests.Telemetry;

// The executor's ActivitySource and Meter are process-wide: run alone, or spans and counts of tasks that other tests run
// in parallel land in these exporters.
[Collection(Wegent.Executor.Tests.Processes.ProcessWideStateCollection.Name)]
public sealed class ExecutorTelemetryTests
{
    private const string BackendTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task A_task_span_continues_the_backends_trace_and_holds_workspace_agent_and_delivery_spans()
    {
        var spans = new List<Activity>();
        using (WegentTelemetry.Start(new TelemetrySetup("test", [ExecutorTelemetry.Name])
        {
            ConfigureTracing = tracing => tracing.AddInMemoryExporter(spans),
            ConfigureMetrics = _ => { },
        }))
        {
            var request = Request(taskId: 41, traceContext: BackendTraceParent);
            using (ExecutorTelemetry.StartTask(request))
            {
                await new TracedWorkspacePreparer(new FixedWorkspace()).PrepareAsync(request, CancellationToken.None);
                await new TracedAgent(new ScriptedAgent()).RunAsync(AgentRequestFor(request), new NoObserver(), CancellationToken.None);
                using (ExecutorTelemetry.StartDelivery()) ExecutorTelemetry.TaskReported(KnownStatuses.Completed);
            }
        }

        var task = Assert.Single(spans, s => s.DisplayName == "task");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", task.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", task.ParentSpanId.ToHexString());
        Assert.Equal(41L, task.GetTagItem("wegent.task_id"));
        var workspace = Assert.Single(spans, s => s.DisplayName == "task.workspace");
        var agent = Assert.Single(spans, s => s.DisplayName == "task.agent");
        var delivery = Assert.Single(spans, s => s.DisplayName == "task.delivery");
        Assert.All([workspace, agent, delivery], child => Assert.Equal(task.SpanId, child.ParentSpanId));
        Assert.Equal("Succeeded", agent.GetTagItem("wegent.agent.outcome"));
        Assert.Equal(KnownStatuses.Completed, delivery.GetTagItem("wegent.task.status"));
    }

    [Fact]
    public void Without_a_trace_context_the_task_starts_a_new_trace()
    {
        var spans = new List<Activity>();
        using (WegentTelemetry.Start(new TelemetrySetup("test", [ExecutorTelemetry.Name])
        {
            ConfigureTracing = tracing => tracing.AddInMemoryExporter(spans),
            ConfigureMetrics = _ => { },
        }))
        {
            using (ExecutorTelemetry.StartTask(Request(taskId: 42, traceContext: null)))
            {
            }
        }

        var task = Assert.Single(spans);
        Assert.Equal(default, task.ParentSpanId);
    }

    [Fact]
    public void Tasks_by_outcome_first_progress_heartbeat_reconnect_and_outbox_metrics_are_exported()
    {
        var metrics = new List<MetricSnapshot>();
        var setup = new TelemetrySetup("test", [ExecutorTelemetry.Name])
        {
            ConfigureTracing = _ => { },
            ConfigureMetrics = m => m.AddInMemoryExporter(metrics),
        };
        // The gauge outlives the providers so that the final export on their disposal still observes it.
        using (ExecutorTelemetry.ObserveOutboxDepth(() => 3))
        using (WegentTelemetry.Start(setup))
        {
            using (ExecutorTelemetry.StartTask(Request(taskId: 43, traceContext: null)))
            {
                ExecutorTelemetry.TaskReported(KnownStatuses.Completed);
            }

            using (ExecutorTelemetry.StartTask(Request(taskId: 44, traceContext: null)))
            {
                ExecutorTelemetry.TaskReported(KnownStatuses.Failed);
            }

            ExecutorTelemetry.FirstProgressSent(TimeSpan.FromMilliseconds(30));
            ExecutorTelemetry.HeartbeatAcknowledged(TimeSpan.FromMilliseconds(12));
            ExecutorTelemetry.Reconnecting();
        }

        var finished = metrics.Last(m => m.Name == "wegent.executor.tasks.finished");
        var byOutcome = finished.MetricPoints.ToDictionary(OutcomeOf, p => p.GetSumLong());
        Assert.Equal(new Dictionary<string, long> { [KnownStatuses.Completed] = 1, [KnownStatuses.Failed] = 1 }, byOutcome);
        Assert.Equal(30, metrics.Last(m => m.Name == "wegent.executor.task.first_progress").MetricPoints.Single().GetHistogramSum());
        Assert.Equal(0, Total(metrics, "wegent.executor.tasks.running"));
        Assert.Equal(1, Total(metrics, "wegent.executor.reconnects"));
        Assert.Equal(3, Total(metrics, "wegent.executor.outbox.depth"));
        var roundTrip = metrics.Last(m => m.Name == "wegent.executor.heartbeat.round_trip").MetricPoints.Single();
        Assert.Equal(1, roundTrip.GetHistogramCount());
        Assert.Equal(12, roundTrip.GetHistogramSum());
    }

    [Fact]
    public async Task A_silent_collector_does_not_hold_the_executor_when_it_stops()
    {
        // Takes connections and never answers, as a stopped Aspire dashboard whose port DCP still holds.
        using var collector = new TcpListener(IPAddress.Loopback, 0);
        collector.Start();
        var endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)collector.LocalEndpoint).Port}/v1/traces");
        var telemetry = WegentTelemetry.Start(new TelemetrySetup("test", [ExecutorTelemetry.Name])
        {
            ConfigureTracing = tracing => tracing.AddOtlpExporter(otlp =>
                (otlp.Endpoint, otlp.Protocol, otlp.TimeoutMilliseconds) = (endpoint, OtlpExportProtocol.HttpProtobuf, 60_000)),
        });
        using (ExecutorTelemetry.StartTask(Request(taskId: 45, traceContext: null)))
        {
        }

        // Unbounded, the final flush waits for the exporter (here up to 60 s; OpenTelemetry gives up after 5 s).
        var disposal = Stopwatch.StartNew();
        await Task.Run(telemetry.Dispose).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(disposal.Elapsed < TelemetryShutdown.Timeout * 3, $"Disposal took {disposal.Elapsed}.");
    }

    [Fact]
    public void Without_an_otlp_endpoint_nothing_is_built()
    {
        var export = WegentTelemetry.StartExportIfConfigured("test", [ExecutorTelemetry.Name], _ => null);

        Assert.Null(export);
        Assert.Null(ExecutorTelemetry.StartWorkspace());
    }

    private static string OutcomeOf(MetricPoint point)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == "outcome") return (string)tag.Value!;
        }

        throw new InvalidOperationException("A finished-task point without an outcome tag.");
    }

    private static long Total(List<MetricSnapshot> metrics, string name)
    {
        // The in-memory exporter keeps a snapshot per export; the last one (taken on dispose) has the totals.
        var metric = metrics.Last(m => m.Name == name);
        return metric.MetricPoints.Sum(p => metric.MetricType == MetricType.LongGauge ? p.GetGaugeLastValueLong() : p.GetSumLong());
    }

    private static TaskRequest Request(long taskId, string? traceContext)
    {
        var raw = new JsonObject { ["task_id"] = taskId, ["subtask_id"] = taskId * 10, ["prompt"] = "hi" };
        if (traceContext is not null) raw[ExecutorTelemetry.TraceContextKey] = traceContext;
        return new TaskRequest { TaskId = taskId, SubtaskId = taskId * 10, Prompt = "hi", Raw = raw };
    }

    private static AgentRequest AgentRequestFor(TaskRequest request) => new()
    {
        TaskId = request.TaskId,
        SubtaskId = request.SubtaskId,
        Prompt = request.Prompt,
        WorkingDirectory = Path.GetTempPath(),
        ConfigDirectory = Path.GetTempPath(),
    };

    private sealed class FixedWorkspace : IWorkspacePreparer
    {
        public Task<PreparedWorkspace> PrepareAsync(TaskRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new PreparedWorkspace { TaskDirectory = Path.GetTempPath(), WorkingDirectory = Path.GetTempPath() });
    }

    private sealed class ScriptedAgent : IAgent
    {
        public Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken) =>
            Task.FromResult(new AgentOutcome(AgentOutcomeStatus.Succeeded, "done", null) { NumTurns = 2 });
    }

    private sealed class NoObserver : IAgentObserver
    {
        public void OnEvent(AgentEvent agentEvent)
        {
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Agents;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Telemetry;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tasks;

/// <summary>Runs one subtask: prepares its workspace, runs the agent, reports its stages and exactly one final report
/// (in no generation's words: delivery renders it in the style the subtask is owed).</summary>
public sealed class TaskRunner
{
    public const string ShutdownMessage = "The executor was stopped while this task was running.";
    public const string InterruptedMessage = "The task was interrupted: the executor restarted while it was running.";

    private readonly IAgent _agent;
    private readonly ReportDelivery _delivery;
    private readonly WorkspaceLayout _workspace;
    private readonly IWorkspacePreparer _workspacePreparer;
    private readonly AgentRequestBuilder _agentRequests;
    private readonly TaskRunnerOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GitCommand _git = new();

    public TaskRunner(
        IAgent agent,
        ReportDelivery delivery,
        WorkspaceLayout workspace,
        IWorkspacePreparer workspacePreparer,
        AgentRequestBuilder agentRequests,
        TaskRunnerOptions settings,
        TimeProvider time,
        ILogger logger)
    {
        _agent = agent;
        _delivery = delivery;
        _workspace = workspace;
        _workspacePreparer = workspacePreparer;
        _agentRequests = agentRequests;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(TaskRequest request, RunControl control)
    {
        using var telemetry = ExecutorTelemetry.StartTask(request);
        var tracker = _delivery.Track(request);
        _logger.Information("Task {TaskId} subtask {SubtaskId} started", request.TaskId, request.SubtaskId);
        _delivery.Stage(tracker, RunStage.Started, request.ReceivedAt);
        AgentOutcome outcome;
        GitWorkbenchMonitor? changes = null;
        try
        {
            AgentRequestBuilder.EnsureSupported(request);
            var workspace = await _workspacePreparer.PrepareAsync(request, control.Token).ConfigureAwait(false);
            changes = await GitWorkbenchMonitor.StartAsync(workspace, request.BranchName, _git, tracker.SetGitWorkbench, _time, _logger, control.Token)
                .ConfigureAwait(false);
            var agentRequest = _agentRequests.Create(request, workspace);
            _delivery.Stage(tracker, RunStage.AgentStarted);
            outcome = await _agent.RunAsync(agentRequest, changes?.Observe(tracker) ?? tracker, control.Token).ConfigureAwait(false);
            if (outcome.ResultLineLost)
            {
                _logger.Warning("Task {TaskId} subtask {SubtaskId}: Claude Code ended its turn but its result line never arrived; the streamed answer is the result",
                    request.TaskId, request.SubtaskId);
            }
        }
        catch (WorkspaceException ex)
        {
            _logger.Error("Task {TaskId} subtask {SubtaskId}: {Error}", request.TaskId, request.SubtaskId, ex.Message);
            outcome = new AgentOutcome(AgentOutcomeStatus.Failed, null, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.Error(ex, "Task {TaskId} subtask {SubtaskId} could not run", request.TaskId, request.SubtaskId);
            outcome = new AgentOutcome(AgentOutcomeStatus.Failed, null, ex.Message);
        }
        catch (OperationCanceledException)
        {
            outcome = new AgentOutcome(AgentOutcomeStatus.Cancelled, null, null);
        }

        if (changes is not null)
        {
            await changes.FinishAsync().ConfigureAwait(false);
            await changes.DisposeAsync().ConfigureAwait(false);
        }

        if (tracker.SessionId is { } sessionId) TrySaveSessionId(request.TaskId, sessionId);
        if (outcome.Status == AgentOutcomeStatus.Failed && !tracker.HasText)
        {
            _logger.Error("{Troubleshooting}", new MultilineText(_settings.AgentFailureHelp(outcome.ErrorMessage)));
        }

        Report(tracker, outcome, control.Reason);
    }

    /// <summary>Reports a subtask an earlier executor process was running when it died.</summary>
    public void ReportInterrupted(InterruptedRun run)
    {
        _logger.Warning("Task {TaskId} subtask {SubtaskId} was interrupted by an executor restart; reporting it failed", run.TaskId, run.SubtaskId);
        _delivery.Finish(new FinalReport
        {
            TaskId = run.TaskId,
            SubtaskId = run.SubtaskId,
            MessageId = run.MessageId,
            Generation = run.Generation,
            Outcome = FinalOutcome.Failed,
            ErrorMessage = InterruptedMessage,
            TaskTitle = run.TaskTitle,
            SubtaskTitle = run.SubtaskTitle,
        });
    }

    /// <summary>Reports a subtask that was cancelled while still queued.</summary>
    public void ReportCancelledBeforeStart(TaskRequest request)
    {
        var tracker = new TaskProgressTracker(request, _time, _ => { });
        Report(tracker, new AgentOutcome(AgentOutcomeStatus.Cancelled, null, null), StopReason.CancelledByUser);
    }

    /// <summary>Answers a payload that could not be run with a failure naming the problem.</summary>
    /// <param name="payload">The payload as received, for its generation and <c>message_id</c>.</param>
    public void ReportRejected(long taskId, long subtaskId, string error, JsonObject? payload) =>
        _delivery.Finish(new FinalReport
        {
            TaskId = taskId,
            SubtaskId = subtaskId,
            MessageId = payload?["message_id"] is JsonValue id && id.GetValueKind() == JsonValueKind.Number && id.TryGetValue<long>(out var messageId)
                ? messageId
                : null,
            Generation = payload is null ? null : ResultProtocols.OfPayload(payload),
            Outcome = FinalOutcome.Failed,
            ErrorMessage = TextShortener.Shorten(error, 2_000),
        });

    private void Report(TaskProgressTracker tracker, AgentOutcome outcome, StopReason stopReason)
    {
        using var deliverySpan = ExecutorTelemetry.StartDelivery();
        var request = tracker.Request;
        var (final, error) = outcome.Status switch
        {
            AgentOutcomeStatus.Cancelled when stopReason == StopReason.SessionClosed => (FinalOutcome.SessionClosed, null),
            AgentOutcomeStatus.Cancelled when stopReason != StopReason.ExecutorShutdown => (FinalOutcome.Cancelled, null),
            AgentOutcomeStatus.Cancelled => (FinalOutcome.Failed, ShutdownMessage),
            AgentOutcomeStatus.Succeeded => (FinalOutcome.Completed, null),
            _ => (FinalOutcome.Failed, outcome.ErrorMessage ?? "The agent failed without a message."),
        };
        var reported = _delivery.Finish(tracker.Final(final, error, outcome));
        if (final is FinalOutcome.Cancelled or FinalOutcome.SessionClosed)
        {
            _logger.Information("Task {TaskId} subtask {SubtaskId} {Ending}", request.TaskId, request.SubtaskId,
                final == FinalOutcome.Cancelled ? "cancelled" : "ended: its session was closed");
        }
        else
        {
            _logger.Information("Task {TaskId} subtask {SubtaskId} finished: {Status}{Error}", request.TaskId, request.SubtaskId, reported.Status,
                reported.Error is null ? "" : " - " + reported.Error);
        }

        ExecutorTelemetry.TaskReported(reported.Status);
    }

    private void TrySaveSessionId(long taskId, string sessionId)
    {
        try
        {
            _workspace.SaveSessionId(taskId, sessionId);
        }
        catch (IOException ex)
        {
            _logger.Warning("Could not save the session id of task {TaskId}: {Error}", taskId, ex.Message);
        }
    }
}

public sealed record TaskRunnerOptions
{
    /// <summary>Builds the troubleshooting text shown when the agent fails before producing anything.</summary>
    public Func<string?, string> AgentFailureHelp { get; init; } = error => $"Agent initialization failed: {error}";
}

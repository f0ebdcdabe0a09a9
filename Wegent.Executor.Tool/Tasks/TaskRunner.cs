using System.Text.Json.Nodes;
using Serilog;
using Wegent.Executor.Agents;
using Wegent.Executor.Logging;
using Wegent.Executor.Protocol;
using Wegent.Executor.Telemetry;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tasks;

/// <summary>Runs one subtask: prepares its workspace, runs the agent, reports progress and exactly one final event.</summary>
public sealed class TaskRunner
{
    public const int TaskStartedProgress = 10;
    public const string ShutdownMessage = "The executor was stopped while this task was running.";
    public const string InterruptedMessage = "The task was interrupted: the executor restarted while it was running.";

    private readonly IAgent _agent;
    private readonly ReportDelivery _delivery;
    private readonly WorkspaceLayout _workspace;
    private readonly IWorkspacePreparer _workspacePreparer;
    private readonly AgentSetup _agentSetup;
    private readonly TaskRunnerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MessageSizeLimit _sizeLimit = new();
    private readonly GitCommand _git = new();

    public TaskRunner(
        IAgent agent,
        ReportDelivery delivery,
        WorkspaceLayout workspace,
        IWorkspacePreparer workspacePreparer,
        AgentSetup agentSetup,
        TaskRunnerSettings settings,
        TimeProvider time,
        ILogger logger)
    {
        _agent = agent;
        _delivery = delivery;
        _workspace = workspace;
        _workspacePreparer = workspacePreparer;
        _agentSetup = agentSetup;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(TaskRequest request, RunControl control)
    {
        using var telemetry = ExecutorTelemetry.StartTask(request);
        var tracker = new TaskProgressTracker(request, _time, _sizeLimit, t => _delivery.ProgressChanged(request.SubtaskId, t));
        _logger.Information("Task {TaskId} subtask {SubtaskId} started", request.TaskId, request.SubtaskId);
        ReportStage(tracker, TaskStartedProgress, KnownProgressMessages.TaskStarted, request.ReceivedAt);
        AgentOutcome outcome;
        GitWorkbenchMonitor? changes = null;
        try
        {
            var workspace = await _workspacePreparer.PrepareAsync(request, control.Token).ConfigureAwait(false);
            changes = await GitWorkbenchMonitor.StartAsync(workspace, request.BranchName, _git, tracker.SetGitWorkbench, _time, _logger, control.Token)
                .ConfigureAwait(false);
            var agentRequest = _agentSetup.Create(request, workspace);
            ReportStage(tracker, TaskProgressTracker.AgentStartedProgress, KnownProgressMessages.InitializeAgent);
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

        Report(request, tracker, outcome, control.Reason);
    }

    private void ReportStage(TaskProgressTracker tracker, int progress, string message, long receivedAt = 0)
    {
        tracker.SetStage(progress, message);
        if (tracker.Snapshot() is { } snapshot) _delivery.Milestone(snapshot, receivedAt);
    }

    /// <summary>Reports a subtask an earlier executor process was running when it died.</summary>
    public void ReportInterrupted(InterruptedRun run)
    {
        _logger.Warning("Task {TaskId} subtask {SubtaskId} was interrupted by an executor restart; reporting it failed", run.TaskId, run.SubtaskId);
        ReportFailedWithoutRun(run.TaskId, run.SubtaskId, InterruptedMessage, run.TaskTitle, run.SubtaskTitle);
    }

    /// <summary>Reports a subtask that was cancelled while still queued.</summary>
    public void ReportCancelledBeforeStart(TaskRequest request)
    {
        var tracker = new TaskProgressTracker(request, _time, _sizeLimit, _ => { });
        Report(request, tracker, new AgentOutcome(AgentOutcomeStatus.Cancelled, null, null), StopReason.CancelledByUser);
    }

    /// <summary>Answers a payload that could not be run with a FAILED <c>task:complete</c> naming the problem.</summary>
    public void ReportRejected(long taskId, long subtaskId, string error) =>
        ReportFailedWithoutRun(taskId, subtaskId, TextShortener.Shorten(error, 2_000), "", "");

    private void ReportFailedWithoutRun(long taskId, long subtaskId, string error, string taskTitle, string subtaskTitle)
    {
        var complete = new TaskCompleteMessage
        {
            TaskId = taskId,
            SubtaskId = subtaskId,
            TaskTitle = taskTitle,
            SubtaskTitle = subtaskTitle,
            Status = KnownStatuses.Failed,
            Result = new TaskResult { Workbench = new Workbench { Status = "failed", Summary = error } },
            ErrorMessage = error,
        };
        _delivery.Finish(new OutboxEntry(taskId, subtaskId, KnownEvents.TaskComplete, ProtocolJson.ToNode(complete)));
    }

    private void Report(TaskRequest request, TaskProgressTracker tracker, AgentOutcome outcome, StopReason stopReason)
    {
        using var reportSpan = ExecutorTelemetry.StartStage("report");
        if (outcome.Status == AgentOutcomeStatus.Cancelled && stopReason != StopReason.ExecutorShutdown)
        {
            _logger.Information("Task {TaskId} subtask {SubtaskId} cancelled", request.TaskId, request.SubtaskId);
            var cancelled = new TaskProgressMessage
            {
                TaskId = request.TaskId,
                SubtaskId = request.SubtaskId,
                TaskTitle = request.TaskTitle,
                SubtaskTitle = request.SubtaskTitle,
                Progress = 100,
                Status = KnownStatuses.Cancelled,
                Message = KnownProgressMessages.CancelTask,
                Result = tracker.FinalResult("failed", outcome),
            };
            var fitted = FitOrCut(cancelled.Result, r => MessageSizeLimit.Measure(cancelled with { Result = r }), out _);
            _delivery.Finish(new OutboxEntry(request.TaskId, request.SubtaskId, KnownEvents.TaskProgress, ProtocolJson.ToNode(cancelled with { Result = fitted })));
            ExecutorTelemetry.TaskReported(KnownStatuses.Cancelled);
            return;
        }

        var (status, error) = outcome.Status switch
        {
            AgentOutcomeStatus.Succeeded when tracker.ResultTooLarge => (KnownStatuses.Failed, TooLargeMessage),
            AgentOutcomeStatus.Succeeded => (KnownStatuses.Completed, null),
            AgentOutcomeStatus.Cancelled => (KnownStatuses.Failed, ShutdownMessage),
            _ => (KnownStatuses.Failed, outcome.ErrorMessage ?? "The agent failed without a message."),
        };
        var complete = new TaskCompleteMessage
        {
            TaskId = request.TaskId,
            SubtaskId = request.SubtaskId,
            TaskTitle = request.TaskTitle,
            SubtaskTitle = request.SubtaskTitle,
            Status = status,
            Result = tracker.FinalResult(status == KnownStatuses.Completed ? "completed" : "failed", outcome),
            ErrorMessage = error,
        };
        var result = FitOrCut(complete.Result, r => MessageSizeLimit.Measure(complete with { Result = r }), out var cut);
        if (cut)
        {
            // The answer alone is over the limit: fail openly rather than deliver a cut answer as complete.
            complete = complete with { Status = KnownStatuses.Failed, ErrorMessage = TooLargeMessage };
        }

        _logger.Information("Task {TaskId} subtask {SubtaskId} finished: {Status}{Error}", request.TaskId, request.SubtaskId, complete.Status,
            complete.ErrorMessage is null ? "" : " - " + complete.ErrorMessage);
        _delivery.Finish(new OutboxEntry(request.TaskId, request.SubtaskId, KnownEvents.TaskComplete, ProtocolJson.ToNode(complete with { Result = result })));
        ExecutorTelemetry.TaskReported(complete.Status);
    }

    /// <summary>Fits a final result into one message; when even the bare answer is too large it is cut, visibly marked.</summary>
    private TaskResult FitOrCut(TaskResult result, Func<TaskResult, int> measure, out bool cut)
    {
        var fitted = _sizeLimit.Fit(result, measure);
        cut = fitted is null;
        return fitted ?? result with { Value = TextShortener.Shorten(result.Value, _sizeLimit.PayloadBudget / 8), Thinking = [] };
    }

    private const string TooLargeMessage =
        "The answer is larger than the backend's 1,000,000-byte message limit; it was cut and the task marked failed.";

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

public sealed record TaskRunnerSettings
{
    /// <summary>Builds the troubleshooting text shown when the agent fails before producing anything.</summary>
    public Func<string?, string> AgentFailureHelp { get; init; } = error => $"Agent initialization failed: {error}";
}

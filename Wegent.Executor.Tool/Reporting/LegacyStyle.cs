using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Reporting;

/// <summary>The January 2026 generation (PROTOCOL.md section 5): <c>task:progress</c> snapshots of the accumulated
/// result (at most one per interval, the newest; the stages never coalesced away), then <c>task:complete</c>, or a
/// cancelling <c>task:progress</c>.</summary>
public sealed class LegacyStyle(MessageSizeLimit sizeLimit, TimeProvider time) : IReportingStyle
{
    private const int TaskStartedProgress = 10;
    private const int AgentStartedProgress = 60;
    private const int MaxWorkingProgress = 95;
    private const int ProgressPerTool = 5;
    private const int SummaryLength = 500;

    private const string TooLargeMessage =
        "The answer is larger than the backend's 1,000,000-byte message limit; it was cut and the task marked failed.";

    public ResultProtocol Protocol => ResultProtocol.Legacy;

    public ILiveReports Open(IRunState run) => new LegacyLiveReports(this, run);

    public bool IsFinalForDelivery(string ackError) => KnownAckErrors.IsFinalForDelivery(ackError);

    public RenderedFinal Final(FinalReport report)
    {
        if (report.Written is { } written) return Rendered(written.EventName, written.Payload);
        if (report.Run is not { } run) return WithoutRun(report);
        if (report.Outcome is FinalOutcome.Cancelled or FinalOutcome.SessionClosed)
        {
            var cancelled = new TaskProgressMessage
            {
                TaskId = report.TaskId,
                SubtaskId = report.SubtaskId,
                TaskTitle = report.TaskTitle,
                SubtaskTitle = report.SubtaskTitle,
                Progress = 100,
                Status = KnownStatuses.Cancelled,
                Message = KnownProgressMessages.CancelTask,
                Result = Result(report, run, KnownWorkbenchStatuses.Failed),
            };
            var fitted = FitOrCut(cancelled.Result, r => MessageSizeLimit.Measure(cancelled with { Result = r })) ?? Cut(cancelled.Result);
            return new(Protocol, KnownEvents.TaskProgress, ProtocolJson.ToNode(cancelled with { Result = fitted }), KnownStatuses.Cancelled, null);
        }

        var completed = report.Outcome == FinalOutcome.Completed;
        var complete = new TaskCompleteMessage
        {
            TaskId = report.TaskId,
            SubtaskId = report.SubtaskId,
            TaskTitle = report.TaskTitle,
            SubtaskTitle = report.SubtaskTitle,
            Status = completed ? KnownStatuses.Completed : KnownStatuses.Failed,
            Result = Result(report, run, completed ? KnownWorkbenchStatuses.Completed : KnownWorkbenchStatuses.Failed),
            ErrorMessage = completed ? null : report.ErrorMessage ?? "The agent failed without a message.",
        };
        if (FitOrCut(complete.Result, r => MessageSizeLimit.Measure(complete with { Result = r })) is { } result)
        {
            return Rendered(complete with { Result = result });
        }

        // The answer alone is over the limit: fail openly rather than deliver a cut answer as complete.
        return Rendered(complete with
        {
            Status = KnownStatuses.Failed,
            ErrorMessage = TooLargeMessage,
            Result = Cut(Result(report, run, KnownWorkbenchStatuses.Failed)),
        });
    }

    /// <summary>Reads a final an earlier executor version wrote to the outbox (event name and ready payload).</summary>
    public static FinalReport Recover(long taskId, long subtaskId, string eventName, JsonNode payload)
    {
        var status = Text(payload["status"]);
        var result = payload["result"];
        var workbench = result?["workbench"];
        return new FinalReport
        {
            TaskId = taskId,
            SubtaskId = subtaskId,
            Outcome = eventName == KnownEvents.TaskProgress ? FinalOutcome.Cancelled
                : status == KnownStatuses.Completed ? FinalOutcome.Completed
                : FinalOutcome.Failed,
            ErrorMessage = Text(payload["error_message"]),
            TaskTitle = Text(payload["task_title"]) ?? "",
            SubtaskTitle = Text(payload["subtask_title"]) ?? "",
            Run = new RunResult
            {
                Text = Text(result?["value"]) ?? "",
                FileChanges = workbench?["file_changes"] is JsonArray changes ? changes.OfType<JsonObject>().Select(c => (JsonObject)c.DeepClone()).ToArray() : [],
                SessionId = Text(result?["session_id"]),
                Usage = result?["usage"]?.DeepClone(),
            },
            Written = new WrittenFinal(eventName, payload),
        };
    }

    /// <summary>The newest snapshot; null when even the bare answer no longer fits a message (nothing is sent then; the
    /// final event says why).</summary>
    internal TaskProgressMessage? Snapshot(IRunState run, ThinkingSteps thinking)
    {
        var request = run.Request;
        var state = run.Snapshot();
        var message = new TaskProgressMessage
        {
            TaskId = request.TaskId,
            SubtaskId = request.SubtaskId,
            TaskTitle = request.TaskTitle,
            SubtaskTitle = request.SubtaskTitle,
            Progress = Progress(state),
            Status = KnownStatuses.Running,
            Message = state.Stage switch
            {
                RunStage.Started => KnownProgressMessages.TaskStarted,
                RunStage.AgentStarted => KnownProgressMessages.InitializeAgent,
                _ => "",
            },
            Result = new TaskResult
            {
                Value = state.Text,
                Thinking = thinking.Render(state.Steps),
                Workbench = Workbench(request.TaskTitle, request.TaskId, KnownWorkbenchStatuses.Running, state.Text, request.GitRepo, request.BranchName,
                    time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                    state.Git?.FileChanges.Select(c => (JsonObject)c.DeepClone()).ToArray() ?? [], state.Git?.GitInfo.DeepClone().AsObject()),
                SessionId = state.SessionId,
            },
        };
        return sizeLimit.Fit(message.Result, result => MessageSizeLimit.Measure(message with { Result = result })) is { } fitted
            ? message with { Result = fitted }
            : null;
    }

    /// <summary>10 on start, 60 when the agent starts, then 5 more per tool call up to 95 (PROTOCOL.md section 5.1).</summary>
    private static int Progress(RunSnapshot state)
    {
        var tools = state.Steps.Count(step => step.Kind == RunStepKind.Tool);
        if (tools > 0) return Math.Min(MaxWorkingProgress, AgentStartedProgress + (ProgressPerTool * tools));
        return state.Stage switch
        {
            RunStage.Started => TaskStartedProgress,
            RunStage.AgentStarted => AgentStartedProgress,
            _ => 0,
        };
    }

    private static TaskResult Result(FinalReport report, RunResult run, string workbenchStatus) => new()
    {
        Value = run.Text,
        Thinking = run.Steps.Select(ThinkingSteps.Render).ToArray(),
        Workbench = Workbench(report.TaskTitle, report.TaskId, workbenchStatus, run.Text, run.Repository, run.Branch, run.FinishedAt,
            run.FileChanges.Select(c => (JsonObject)c.DeepClone()).ToArray(), run.GitInfo?.DeepClone().AsObject()),
        SessionId = run.SessionId,
        Usage = run.Usage?.DeepClone(),
        TotalCostUsd = run.TotalCostUsd,
        NumTurns = run.NumTurns,
    };

    private static Workbench Workbench(string taskTitle, long taskId, string status, AnswerText text, string? repository, string? branch,
        string lastUpdated, IReadOnlyList<JsonObject> fileChanges, JsonObject? gitInfo) => new()
        {
            TaskTitle = taskTitle,
            TaskNumber = taskId.ToString(CultureInfo.InvariantCulture),
            Status = status,
            Summary = TextShortener.Shorten(text, SummaryLength),
            Repository = repository ?? "",
            Branch = branch ?? "",
            LastUpdated = lastUpdated,
            FileChanges = fileChanges,
            GitInfo = gitInfo,
        };

    /// <summary>A subtask that never ran: FAILED with the reason, and an otherwise empty result.</summary>
    private RenderedFinal WithoutRun(FinalReport report)
    {
        var error = report.ErrorMessage ?? "";
        return Rendered(new TaskCompleteMessage
        {
            TaskId = report.TaskId,
            SubtaskId = report.SubtaskId,
            TaskTitle = report.TaskTitle,
            SubtaskTitle = report.SubtaskTitle,
            Status = KnownStatuses.Failed,
            Result = new TaskResult { Workbench = new Workbench { Status = KnownWorkbenchStatuses.Failed, Summary = error } },
            ErrorMessage = error,
        });
    }

    private TaskResult? FitOrCut(TaskResult result, Func<TaskResult, int> measure) => sizeLimit.Fit(result, measure);

    /// <summary>The answer cut to what surely fits, visibly marked, without thinking steps.</summary>
    private TaskResult Cut(TaskResult result) =>
        result with { Value = TextShortener.Shorten(result.Value, sizeLimit.PayloadBudget / 8), Thinking = [] };

    private RenderedFinal Rendered(TaskCompleteMessage complete) =>
        new(Protocol, KnownEvents.TaskComplete, ProtocolJson.ToNode(complete), complete.Status, complete.ErrorMessage);

    private RenderedFinal Rendered(string eventName, JsonNode payload)
    {
        var status = Text(payload["status"]) ?? KnownStatuses.Failed;
        return new(Protocol, eventName, payload, status, Text(payload["error_message"]));
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

/// <summary>Renders run steps as the January "thinking" list, keeping each rendered step while its source is unchanged
/// (a snapshot goes out several times a second; steps change rarely).</summary>
internal sealed class ThinkingSteps
{
    private const int ToolTextLength = 500;
    private readonly List<(RunStep Source, ThinkingStep Rendered)> _rendered = [];

    public ThinkingStep[] Render(IReadOnlyList<RunStep> steps)
    {
        var result = new ThinkingStep[steps.Count];
        lock (_rendered)
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (i < _rendered.Count && ReferenceEquals(_rendered[i].Source, steps[i]))
                {
                    result[i] = _rendered[i].Rendered;
                    continue;
                }

                result[i] = Render(steps[i]);
                if (i < _rendered.Count) _rendered[i] = (steps[i], result[i]);
                else _rendered.Add((steps[i], result[i]));
            }
        }

        return result;
    }

    public static ThinkingStep Render(RunStep step)
    {
        if (step.Kind == RunStepKind.ApiRetry)
        {
            return new ThinkingStep($"Model API retry {step.Attempt}", new JsonObject { ["status"] = step.ErrorStatus });
        }

        var details = new JsonObject
        {
            ["tool"] = step.Name,
            ["input"] = TextShortener.Shorten(step.Input, ToolTextLength),
        };
        if (step.Finished)
        {
            details["output"] = TextShortener.Shorten(step.Output, ToolTextLength);
            details["is_error"] = step.IsError;
        }

        return new ThinkingStep($"Tool: {step.Name}", details);
    }
}

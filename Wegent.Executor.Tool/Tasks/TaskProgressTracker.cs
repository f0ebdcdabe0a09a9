using System.Globalization;
using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tasks;

/// <summary>The state of one subtask as the user sees it: accumulated answer, thinking steps, workbench. Agent events
/// update it; snapshots are built only when delivery asks for one.</summary>
public sealed class TaskProgressTracker : IAgentObserver, IProgressSource
{
    public const int AgentStartedProgress = 60;
    private const int MaxWorkingProgress = 95;
    private const int ToolTextLength = 500;

    private readonly TaskRequest _request;
    private readonly TimeProvider _time;
    private readonly MessageSizeLimit _sizeLimit;
    private readonly Action<TaskProgressTracker> _changed;
    private readonly Lock _gate = new();
    private readonly AnswerTextBuilder _text = new();
    private readonly List<ThinkingStep> _thinking = [];
    private readonly Dictionary<string, int> _stepOfToolUse = [];
    private int _progress;
    private string _message = "";
    private GitWorkbench? _git;

    public TaskProgressTracker(TaskRequest request, TimeProvider time, MessageSizeLimit sizeLimit, Action<TaskProgressTracker> changed)
    {
        _request = request;
        _time = time;
        _sizeLimit = sizeLimit;
        _changed = changed;
    }

    public string? SessionId { get; private set; }

    /// <summary>Set when the answer alone no longer fits a message; the run must then fail.</summary>
    public bool ResultTooLarge { get; private set; }

    public bool HasText
    {
        get
        {
            lock (_gate) return _text.Length > 0;
        }
    }

    /// <summary>Moves to a named stage; the caller reports it as a milestone (it must not be coalesced away).</summary>
    public void SetStage(int progress, string message)
    {
        lock (_gate)
        {
            _progress = progress;
            _message = message;
        }
    }

    /// <summary>Takes the checkout's changed files and commits into the workbench.</summary>
    public void SetGitWorkbench(GitWorkbench git)
    {
        lock (_gate) _git = git;
        _changed(this);
    }

    public void OnEvent(AgentEvent agentEvent)
    {
        lock (_gate)
        {
            switch (agentEvent)
            {
                case AgentSessionStarted started:
                    SessionId = started.SessionId;
                    return;
                case AgentTextDelta delta:
                    _text.Append(delta.Text);
                    break;
                case AgentToolUse toolUse:
                    _stepOfToolUse[toolUse.ToolUseId] = _thinking.Count;
                    _thinking.Add(new ThinkingStep($"Tool: {toolUse.ToolName}", new JsonObject
                    {
                        ["tool"] = toolUse.ToolName,
                        ["input"] = TextShortener.Shorten(toolUse.InputSummary, ToolTextLength),
                    }));
                    _progress = Math.Min(MaxWorkingProgress, Math.Max(_progress, AgentStartedProgress) + 5);
                    break;
                case AgentToolResult toolResult when _stepOfToolUse.TryGetValue(toolResult.ToolUseId, out var index):
                    var details = _thinking[index].Details?.DeepClone() as JsonObject ?? [];
                    details["output"] = TextShortener.Shorten(toolResult.OutputSummary, ToolTextLength);
                    details["is_error"] = toolResult.IsError;
                    _thinking[index] = _thinking[index] with { Details = details };
                    break;
                case AgentApiRetry retry:
                    _thinking.Add(new ThinkingStep($"Model API retry {retry.Attempt}", new JsonObject { ["status"] = retry.ErrorStatus }));
                    break;
                default:
                    return;
            }
        }

        _changed(this);
    }

    public TaskProgressMessage? Snapshot()
    {
        lock (_gate)
        {
            var message = new TaskProgressMessage
            {
                TaskId = _request.TaskId,
                SubtaskId = _request.SubtaskId,
                TaskTitle = _request.TaskTitle,
                SubtaskTitle = _request.SubtaskTitle,
                Progress = _progress,
                Status = KnownStatuses.Running,
                Message = _message,
                Result = BuildResult("running", null),
            };
            var fitted = _sizeLimit.Fit(message.Result, result => MessageSizeLimit.Measure(message with { Result = result }));
            if (fitted is null)
            {
                ResultTooLarge = true;
                return null;
            }

            return message with { Result = fitted };
        }
    }

    /// <summary>The result for the final event; the text is what was streamed, so the user's view and the final value agree.</summary>
    public TaskResult FinalResult(string workbenchStatus, AgentOutcome? outcome)
    {
        lock (_gate)
        {
            if (_text.Length == 0 && !string.IsNullOrEmpty(outcome?.ResultText)) _text.Append(outcome.ResultText);
            return BuildResult(workbenchStatus, outcome);
        }
    }

    private TaskResult BuildResult(string workbenchStatus, AgentOutcome? outcome)
    {
        var text = _text.Snapshot();
        return new TaskResult
        {
            Value = text,
            Thinking = _thinking.ToArray(),
            Workbench = new Workbench
            {
                TaskTitle = _request.TaskTitle,
                TaskNumber = _request.TaskId.ToString(CultureInfo.InvariantCulture),
                Status = workbenchStatus,
                Summary = TextShortener.Shorten(text, ToolTextLength),
                Repository = _request.GitRepo ?? "",
                Branch = _request.BranchName ?? "",
                LastUpdated = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                FileChanges = _git?.FileChanges.Select(c => (JsonObject)c.DeepClone()).ToArray() ?? [],
                GitInfo = _git?.GitInfo.DeepClone().AsObject(),
            },
            SessionId = outcome?.SessionId ?? SessionId,
            Usage = outcome?.UsageJson is { } usage ? JsonNode.Parse(usage) : null,
            TotalCostUsd = outcome?.TotalCostUsd,
            NumTurns = outcome?.NumTurns,
        };
    }
}

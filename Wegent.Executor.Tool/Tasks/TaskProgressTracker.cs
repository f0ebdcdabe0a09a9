using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tasks;

/// <summary>The state of one subtask in no generation's words: answer text, steps in order with their inputs and
/// outputs, reasoning, stage, workbench, and the order the agent produced them in. Agent events update it; a reporting
/// style reads it when delivery asks (see <see cref="IRunState"/>).</summary>
public sealed class TaskProgressTracker : IAgentObserver, IRunState
{
    private readonly TimeProvider _time;
    private readonly Action<RunChange> _changed;
    private readonly Lock _gate = new();
    private readonly AnswerTextBuilder _text = new();
    private readonly AnswerTextBuilder _reasoning = new();
    private readonly List<RunStep> _steps = [];
    private readonly Dictionary<string, int> _stepOfToolUse = [];
    private readonly List<StreamItem> _stream = [];
    private int _stepItems;
    private RunStage _stage;
    private GitWorkbench? _git;
    private string? _model;

    /// <param name="changed">Called (outside the tracker's lock) after each change a style may show.</param>
    public TaskProgressTracker(TaskRequest request, TimeProvider time, Action<RunChange> changed)
    {
        Request = request;
        _time = time;
        _changed = changed;
        StartedAt = time.GetUtcNow().ToUnixTimeSeconds();
    }

    public TaskRequest Request { get; }

    public long StartedAt { get; }

    public string? SessionId { get; private set; }

    public bool HasText
    {
        get
        {
            lock (_gate) return _text.Length > 0;
        }
    }

    public RunStreamExtent Extent
    {
        get
        {
            lock (_gate) return new RunStreamExtent(_text.Length, _reasoning.Length, _stepItems);
        }
    }

    /// <summary>Moves to a named stage; the caller tells delivery (a stage is reported, never coalesced away).</summary>
    public void SetStage(RunStage stage)
    {
        lock (_gate) _stage = stage;
    }

    /// <summary>Takes the checkout's changed files and commits into the workbench.</summary>
    public void SetGitWorkbench(GitWorkbench git)
    {
        lock (_gate) _git = git;
        _changed(RunChange.Workbench);
    }

    public void OnEvent(AgentEvent agentEvent)
    {
        RunChange change;
        lock (_gate)
        {
            switch (agentEvent)
            {
                case AgentSessionStarted started:
                    SessionId = started.SessionId;
                    _model = started.Model;
                    return;
                case AgentTextDelta { Text.Length: > 0 } delta:
                    AppendText(delta.Text);
                    change = RunChange.Text;
                    break;
                case AgentReasoningDelta { Text.Length: > 0 } reasoning:
                    Append(_reasoning, StreamItemKind.Reasoning, reasoning.Text);
                    change = RunChange.Reasoning;
                    break;
                case AgentToolUse toolUse:
                    _stepOfToolUse[toolUse.ToolUseId] = _steps.Count;
                    AddStepItem(StreamItemKind.StepStarted, _steps.Count);
                    _steps.Add(new RunStep
                    {
                        Kind = RunStepKind.Tool,
                        Id = toolUse.ToolUseId,
                        Name = toolUse.ToolName,
                        Input = toolUse.InputSummary,
                        InputJson = toolUse.InputJson,
                        StartedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                    });
                    change = RunChange.Step;
                    break;
                case AgentToolResult toolResult when _stepOfToolUse.TryGetValue(toolResult.ToolUseId, out var index):
                    _steps[index] = _steps[index] with { Finished = true, Output = toolResult.OutputSummary, IsError = toolResult.IsError };
                    AddStepItem(StreamItemKind.StepFinished, index);
                    change = RunChange.Step;
                    break;
                case AgentApiRetry retry:
                    _steps.Add(new RunStep { Kind = RunStepKind.ApiRetry, Attempt = retry.Attempt, ErrorStatus = retry.ErrorStatus });
                    change = RunChange.Step;
                    break;
                default:
                    return;
            }
        }

        _changed(change);
    }

    public RunSnapshot Snapshot()
    {
        lock (_gate) return new RunSnapshot(_text.Snapshot(), _steps.ToArray(), _stage, _git, SessionId);
    }

    public RunStreamWindow ReadStream(int fromItem)
    {
        lock (_gate)
        {
            var items = fromItem < _stream.Count ? CollectionsMarshal.AsSpan(_stream)[fromItem..].ToArray() : [];
            return new RunStreamWindow(fromItem, items, _text.Snapshot(), _reasoning.Snapshot(), _steps.ToArray());
        }
    }

    /// <summary>The final report of the run. When the agent streamed no text, its result text becomes the answer.</summary>
    public FinalReport Final(FinalOutcome outcome, string? errorMessage, AgentOutcome? agentOutcome)
    {
        lock (_gate)
        {
            if (_text.Length == 0 && !string.IsNullOrEmpty(agentOutcome?.ResultText)) AppendText(agentOutcome.ResultText);
            return new FinalReport
            {
                TaskId = Request.TaskId,
                SubtaskId = Request.SubtaskId,
                MessageId = Request.MessageId,
                Generation = Request.Generation(),
                Outcome = outcome,
                ErrorMessage = errorMessage,
                TaskTitle = Request.TaskTitle,
                SubtaskTitle = Request.SubtaskTitle,
                Run = new RunResult
                {
                    Text = _text.Snapshot(),
                    Steps = _steps.ToArray(),
                    Repository = Request.GitRepo,
                    Branch = Request.BranchName,
                    FileChanges = _git?.FileChanges.Select(c => (JsonObject)c.DeepClone()).ToArray() ?? [],
                    GitInfo = _git?.GitInfo.DeepClone().AsObject(),
                    FinishedAt = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                    StartedAt = StartedAt,
                    Model = _model,
                    SessionId = agentOutcome?.SessionId ?? SessionId,
                    Usage = agentOutcome?.UsageJson is { } usage ? JsonNode.Parse(usage) : null,
                    TotalCostUsd = agentOutcome?.TotalCostUsd,
                    NumTurns = agentOutcome?.NumTurns,
                    StopReason = agentOutcome?.StopReason,
                },
            };
        }
    }

    private void AppendText(string text) => Append(_text, StreamItemKind.Text, text);

    /// <summary>Appends to a text and to the stream: the last item grows when it is of the same kind.</summary>
    private void Append(AnswerTextBuilder builder, StreamItemKind kind, string text)
    {
        var start = builder.Length;
        builder.Append(text);
        if (_stream.Count > 0 && _stream[^1].Kind == kind) _stream[^1] = _stream[^1] with { End = builder.Length };
        else _stream.Add(new StreamItem(kind, start, builder.Length, -1));
    }

    private void AddStepItem(StreamItemKind kind, int step)
    {
        _stream.Add(new StreamItem(kind, 0, 0, step));
        _stepItems++;
    }
}

using Wegent.Executor.Protocol;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Reporting;

/// <summary>What a run has produced so far, as a reporting style reads it. Each member reads under the run's own lock,
/// so what it returns is consistent; texts are views that stay valid while the run appends.</summary>
public interface IRunState
{
    TaskRequest Request { get; }

    /// <summary>Unix seconds when the run began.</summary>
    long StartedAt { get; }

    /// <summary>Everything shown so far (for a style that sends the whole state each time).</summary>
    RunSnapshot Snapshot();

    /// <summary>How far the run's stream has come: cheap, for "is there anything new".</summary>
    RunStreamExtent Extent { get; }

    /// <summary>The stream from item <paramref name="fromItem"/> on (for a style that sends only what is new).</summary>
    RunStreamWindow ReadStream(int fromItem);
}

/// <summary>Where a run is, as far as the user is told before the agent reports anything.</summary>
public enum RunStage
{
    None,
    Started,
    AgentStarted,
}

/// <summary>What changed in a run, so a style can ignore what it does not show.</summary>
public enum RunChange
{
    Text,
    Step,
    Reasoning,
    Workbench,
}

public enum RunStepKind
{
    Tool,
    ApiRetry,
}

/// <summary>One step of a run, in order: a tool call (input, then its output) or a retried model request.</summary>
public sealed record RunStep
{
    public required RunStepKind Kind { get; init; }

    /// <summary>The tool call's id (tool_use_id); empty for a retry.</summary>
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary>The tool's input as the agent summarised it (JSON text, possibly cut).</summary>
    public string Input { get; init; } = "";

    /// <summary>The tool's input as a JSON object with long values shortened; null when the agent gave none.</summary>
    public string? InputJson { get; init; }
    public bool Finished { get; init; }
    public string Output { get; init; } = "";
    public bool IsError { get; init; }

    /// <summary>Unix milliseconds when the step began.</summary>
    public long StartedAt { get; init; }
    public int Attempt { get; init; }
    public string? ErrorStatus { get; init; }
}

public enum StreamItemKind
{
    /// <summary>Answer text [Start, End) (grows while it is the last item).</summary>
    Text,

    /// <summary>Reasoning text [Start, End) (grows while it is the last item).</summary>
    Reasoning,

    /// <summary>The tool call <see cref="StreamItem.Step"/> began.</summary>
    StepStarted,

    /// <summary>The tool call <see cref="StreamItem.Step"/> returned.</summary>
    StepFinished,
}

/// <summary>One piece of a run's stream, in the order the agent produced them.</summary>
public readonly record struct StreamItem(StreamItemKind Kind, int Start, int End, int Step);

/// <param name="StepItems">How many <see cref="StreamItemKind.StepStarted"/> and <see cref="StreamItemKind.StepFinished"/>
/// items the stream holds.</param>
public readonly record struct RunStreamExtent(int TextLength, int ReasoningLength, int StepItems);

public sealed record RunSnapshot(AnswerText Text, IReadOnlyList<RunStep> Steps, RunStage Stage, GitWorkbench? Git, string? SessionId);

/// <summary>The stream items from <see cref="FirstItem"/> on, with the texts and steps they point into.</summary>
public sealed record RunStreamWindow(int FirstItem, StreamItem[] Items, AnswerText Text, AnswerText Reasoning, RunStep[] Steps);

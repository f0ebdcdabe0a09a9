namespace Wegent.Executor.Protocol;

public sealed record TaskCompleteMessage
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }
    public string TaskTitle { get; init; } = "";
    public string SubtaskTitle { get; init; } = "";
    public required string Status { get; init; }
    public int Progress { get; init; } = 100;
    public required TaskResult Result { get; init; }
    public string? ErrorMessage { get; init; }
}

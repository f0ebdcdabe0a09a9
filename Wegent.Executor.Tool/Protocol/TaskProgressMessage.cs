namespace Wegent.Executor.Protocol;

public sealed record TaskProgressMessage
{
    public required long TaskId { get; init; }
    public required long SubtaskId { get; init; }
    public string TaskTitle { get; init; } = "";
    public string SubtaskTitle { get; init; } = "";
    public required int Progress { get; init; }
    public required string Status { get; init; }
    public string Message { get; init; } = "";
    public required TaskResult Result { get; init; }
}

namespace Wegent.Executor.Protocol;

/// <summary>Outcome of reading a payload from the backend: either a value, or an error a user can act on.</summary>
public sealed record ParsedPayload<T>(T? Value, string? Error, long? TaskId, long? SubtaskId)
    where T : class
{
    public bool IsValid => Value is not null;
}

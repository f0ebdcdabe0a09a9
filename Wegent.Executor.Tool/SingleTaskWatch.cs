using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;

namespace Wegent.Executor;

/// <summary>
/// For <c>--once</c>: notes the first subtask the backend dispatches and completes <see cref="Finished"/> once that
/// subtask's terminal event (of either generation) was acknowledged by the backend: true when it reported success and
/// was accepted, false otherwise. It is the delivery's channel, and the intake tells it what was dispatched
/// (<see cref="Dispatched"/>), so it sees both directions without reaching into the task machinery.
/// </summary>
public sealed class SingleTaskWatch(IBackendChannel channel) : IBackendChannel
{
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _subtaskId = NoSubtask;
    private int _unhandledTerminals;
    private const long NoSubtask = long.MinValue;

    /// <summary>The watched subtask's final outcome as delivered: true = success, acknowledged without error.</summary>
    public Task<bool> Finished => _finished.Task;

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => channel.WaitUntilReadyAsync(cancellationToken);

    public void RequestHeartbeat() => channel.RequestHeartbeat();

    public ResultProtocol? ProbedResultProtocol => channel.ProbedResultProtocol;

    /// <summary>Live events only (terminal events come as trees through <see cref="CallAsync"/>): passed on untouched.</summary>
    public Task<JsonNode?> CallWritingAsync(string eventName, Action<Utf8JsonWriter> writePayload, TimeSpan timeout, CancellationToken cancellationToken) =>
        channel.CallWritingAsync(eventName, writePayload, timeout, cancellationToken);

    public async Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ack = await channel.CallAsync(eventName, payload, timeout, cancellationToken).ConfigureAwait(false);
        var watched = Interlocked.Read(ref _subtaskId);
        if (watched != NoSubtask && ReadLong(payload, "subtask_id") == watched && IsTerminal(eventName, payload))
        {
            // An empty ack makes delivery send the event once more in the other style: only a second one is final.
            var kind = ResultStyles.Classify(ack);
            if (kind == AckKind.NoHandler && Interlocked.Increment(ref _unhandledTerminals) == 1) return ack;
            _finished.TrySetResult(kind == AckKind.Handled && IsSuccess(eventName, payload));
        }

        return ack;
    }

    /// <summary>Notes a dispatched subtask: the first one is watched. A payload without a usable id is never run, so the
    /// intake never reports it.</summary>
    public void Dispatched(long subtaskId) => Interlocked.CompareExchange(ref _subtaskId, subtaskId, NoSubtask);

    /// <summary>task:complete, a task:progress that carries a final status (a cancellation), or a Responses-API terminal event.</summary>
    private static bool IsTerminal(string eventName, JsonNode payload) =>
        eventName == KnownEvents.TaskComplete
        || (eventName == KnownEvents.TaskProgress && ReadString(payload, "status") is KnownStatuses.Cancelled or KnownStatuses.Failed)
        || KnownResponseEvents.IsTerminal(eventName);

    private static bool IsSuccess(string eventName, JsonNode payload) =>
        eventName == KnownResponseEvents.Completed
        || (eventName == KnownEvents.TaskComplete && ReadString(payload, "status") == KnownStatuses.Completed);

    private static long? ReadLong(JsonNode? payload, string name) =>
        payload is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)
            ? number
            : null;

    private static string? ReadString(JsonNode payload, string name) =>
        payload is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

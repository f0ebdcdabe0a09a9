using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tasks;

namespace Wegent.Executor;

/// <summary>
/// For <c>--once</c>: notes the first subtask the backend dispatches and completes <see cref="Finished"/> once that
/// subtask's final event was acknowledged by the backend: true when it was COMPLETED and accepted, false otherwise.
/// Sits between the session and the rest (as the event handler's and the delivery's channel) so it sees both directions
/// without reaching into the task machinery.
/// </summary>
public sealed class SingleTaskWatch(IBackendChannel channel) : IBackendChannel
{
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _subtaskId = NoSubtask;
    private const long NoSubtask = long.MinValue;

    /// <summary>The watched subtask's final outcome as delivered: true = COMPLETED and acknowledged without error.</summary>
    public Task<bool> Finished => _finished.Task;

    /// <summary>Wraps the intake so the first dispatched subtask is noted before it is queued.</summary>
    public IBackendEventHandler Observing(IBackendEventHandler handler) => new ObservingHandler(this, handler);

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => channel.WaitUntilReadyAsync(cancellationToken);

    public void RequestHeartbeat() => channel.RequestHeartbeat();

    public ResultProtocol? ProbedResultProtocol => channel.ProbedResultProtocol;

    /// <summary>Running snapshots only (finals come as trees through <see cref="CallAsync"/>): passed on untouched.</summary>
    public Task<JsonNode?> CallWritingAsync(string eventName, Action<Utf8JsonWriter> writePayload, TimeSpan timeout, CancellationToken cancellationToken) =>
        channel.CallWritingAsync(eventName, writePayload, timeout, cancellationToken);

    public async Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ack = await channel.CallAsync(eventName, payload, timeout, cancellationToken).ConfigureAwait(false);
        var watched = Interlocked.Read(ref _subtaskId);
        if (watched != NoSubtask && ReadLong(payload, "subtask_id") == watched && IsFinal(eventName, payload))
        {
            var accepted = ack is not JsonObject answer || answer["error"] is null;
            _finished.TrySetResult(accepted && eventName == KnownEvents.TaskComplete && ReadString(payload, "status") == KnownStatuses.Completed);
        }

        return ack;
    }

    private void Observe(string eventName, JsonNode? payload)
    {
        if (eventName is not (KnownEvents.TaskExecute or KnownEvents.ChatMessage)) return;
        // The parser's id reading (numbers or numeric strings); a payload without a usable id is never run, so not watched.
        if (TaskPayloadParser.ParseExecute(payload).SubtaskId is { } subtaskId) Interlocked.CompareExchange(ref _subtaskId, subtaskId, NoSubtask);
    }

    /// <summary>task:complete, or a task:progress that carries a final status (a cancellation).</summary>
    private static bool IsFinal(string eventName, JsonNode payload) =>
        eventName == KnownEvents.TaskComplete
        || (eventName == KnownEvents.TaskProgress && ReadString(payload, "status") is KnownStatuses.Cancelled or KnownStatuses.Failed);

    private static long? ReadLong(JsonNode? payload, string name) =>
        payload is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)
            ? number
            : null;

    private static string? ReadString(JsonNode payload, string name) =>
        payload is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private sealed class ObservingHandler(SingleTaskWatch watch, IBackendEventHandler inner) : IBackendEventHandler
    {
        public IReadOnlyList<long> RunningTaskIds => inner.RunningTaskIds;

        public int QueuedCount => inner.QueuedCount;

        public void Handle(string eventName, JsonNode? payload, SocketIoReply? reply = null)
        {
            watch.Observe(eventName, payload);
            inner.Handle(eventName, payload, reply);
        }
    }
}

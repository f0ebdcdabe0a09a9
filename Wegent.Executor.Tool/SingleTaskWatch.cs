using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;

namespace Wegent.Executor;

/// <summary>
/// For <c>--once</c>: notes the first subtask the backend dispatches and completes <see cref="Finished"/> once that
/// subtask's terminal event (of either generation) was acknowledged by the backend: true when it reported success and
/// was accepted, false otherwise. Sits between the session and the rest (as the event handler's and the delivery's
/// channel) so it sees both directions without reaching into the task machinery.
/// </summary>
public sealed class SingleTaskWatch(IBackendChannel channel) : IBackendChannel
{
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _subtaskId = NoSubtask;
    private int _unhandledTerminals;
    private const long NoSubtask = long.MinValue;

    /// <summary>The watched subtask's final outcome as delivered: true = success, acknowledged without error.</summary>
    public Task<bool> Finished => _finished.Task;

    /// <summary>Wraps the intake so the first dispatched subtask is noted before it is queued.</summary>
    public IBackendEventHandler Observing(IBackendEventHandler handler) => new ObservingHandler(this, handler);

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

    private void Observe(string eventName, JsonNode? payload)
    {
        if (eventName is not (KnownEvents.TaskExecute or KnownEvents.ChatMessage)) return;
        // The parser's id reading (numbers or numeric strings); a payload without a usable id is never run, so not watched.
        if (TaskPayloadParser.ParseExecute(payload).SubtaskId is { } subtaskId) Interlocked.CompareExchange(ref _subtaskId, subtaskId, NoSubtask);
    }

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

    private sealed class ObservingHandler(SingleTaskWatch watch, IBackendEventHandler inner) : IBackendEventHandler
    {
        public IReadOnlyList<long> RunningTaskIds => inner.RunningTaskIds;

        public int QueuedCount => inner.QueuedCount;

        public void Handle(string eventName, JsonNode? payload, BackendCallReply? reply = null)
        {
            watch.Observe(eventName, payload);
            inner.Handle(eventName, payload, reply);
        }
    }
}

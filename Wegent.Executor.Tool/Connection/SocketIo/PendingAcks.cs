using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Connection.SocketIo;

/// <summary>The calls waiting for an ack, by ack id. Thread-safe. Once cancelled (the session closed) every current
/// and later registration is cancelled at once, so nothing waits on a dead session. Cancelling rather than faulting
/// leaves no unobserved exception behind when a caller stopped waiting.</summary>
internal sealed class PendingAcks
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> _pending = new();
    private long _lastId;
    private volatile bool _cancelled;

    public int Count => _pending.Count;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public Task<JsonNode?> Register(long id)
    {
        var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, completion))
        {
            throw new InvalidOperationException($"Ack id {id} is already pending.");
        }

        // CancelAll may have run just before TryAdd; re-check so this entry cannot be left behind.
        if (_cancelled && _pending.TryRemove(id, out _))
        {
            completion.TrySetCanceled();
        }

        return completion.Task;
    }

    /// <returns>False when no call waits for this id (it timed out, was cancelled, or the server sent a stray ack).</returns>
    public bool Complete(long id, JsonNode? result) =>
        _pending.TryRemove(id, out var completion) && completion.TrySetResult(result);

    public void Remove(long id) => _pending.TryRemove(id, out _);

    public void CancelAll()
    {
        _cancelled = true;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var completion))
            {
                completion.TrySetCanceled();
            }
        }
    }
}

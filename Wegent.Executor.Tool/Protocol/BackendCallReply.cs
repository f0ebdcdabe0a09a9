using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>The answer a backend's call waits for. Sent at most once, from any thread; once the session has closed an
/// answer is dropped (the server's call has failed by then).</summary>
public sealed class BackendCallReply(Func<JsonNode?, Task<bool>> send)
{
    private int _used;

    /// <summary>True once an answer was given (sent or dropped).</summary>
    public bool IsAnswered => Volatile.Read(ref _used) == 1;

    /// <summary>Sends <paramref name="answer"/> as the ack's one argument (null: an empty ack). Never throws.</summary>
    /// <returns>True when it was sent; false when an answer had been given already or it could not be sent (the session
    /// closed, or it is over the size limit).</returns>
    public Task<bool> SendAsync(JsonNode? answer) =>
        Interlocked.Exchange(ref _used, 1) == 1 ? Task.FromResult(false) : send(answer);
}

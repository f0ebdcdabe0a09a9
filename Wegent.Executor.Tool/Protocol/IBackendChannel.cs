using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>What the task layer needs from the connection: a registered session to send on.</summary>
public interface IBackendChannel
{
    /// <summary>Completes once the executor is registered on a live connection.</summary>
    Task WaitUntilReadyAsync(CancellationToken cancellationToken);

    /// <summary>Emits with an ack and returns the ack payload.</summary>
    /// <exception cref="TimeoutException">No ack in time.</exception>
    /// <exception cref="BackendDisconnectedException">The connection dropped.</exception>
    Task<JsonNode?> CallAsync(string eventName, JsonNode payload, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The same, with the payload written straight into the message (no JSON tree): for streaming snapshots,
    /// which carry the whole answer so far several times a second. By default it is read into a tree first.</summary>
    Task<JsonNode?> CallWritingAsync(string eventName, Action<Utf8JsonWriter> writePayload, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(eventName, WrittenJson.ToNode(writePayload), timeout, cancellationToken);

    /// <summary>What the side-effect-free probe after the latest registration said about the backend's result events;
    /// null while unknown (not registered yet, or the probe got no answer).</summary>
    ResultProtocol? ProbedResultProtocol => null;

    /// <summary>Asks for a heartbeat now instead of at the next interval.</summary>
    void RequestHeartbeat();
}

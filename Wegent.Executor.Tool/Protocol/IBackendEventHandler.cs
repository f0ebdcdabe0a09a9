using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>The executor's work as the connection sees it: where backend events go, and what to put in heartbeats.</summary>
public interface IBackendEventHandler
{
    /// <summary>Called in arrival order; must return quickly (long work is queued, not awaited). <paramref name="reply"/> is
    /// set when the backend sent the event as a call and waits for the answer: give it at once.</summary>
    void Handle(string eventName, JsonNode? payload, BackendCallReply? reply = null);

    /// <summary>The tasks with a subtask running now.</summary>
    IReadOnlyList<long> RunningTaskIds { get; }

    /// <summary>Subtasks waiting for a slot.</summary>
    int QueuedCount { get; }
}

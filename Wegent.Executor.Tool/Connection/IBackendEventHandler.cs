using System.Text.Json.Nodes;

namespace Wegent.Executor.Connection;

/// <summary>The executor's work as the connection sees it: where backend events go, and what to put in heartbeats.</summary>
public interface IBackendEventHandler
{
    /// <summary>Called in arrival order; must return quickly (long work is queued, not awaited).</summary>
    void Handle(string eventName, JsonNode? payload);

    IReadOnlyList<long> RunningTaskIds { get; }
}

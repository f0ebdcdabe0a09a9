namespace Wegent.AppHost.Model;

/// <summary>Where a resource is in its life, as the dashboard shows it.</summary>
public enum ResourceState
{
    NotStarted,
    /// <summary>Waiting for the resources it depends on to be healthy.</summary>
    Waiting,
    Starting,
    /// <summary>Running, without a health check.</summary>
    Running,
    Healthy,
    /// <summary>Running, but its health check fails.</summary>
    Unhealthy,
    /// <summary>Exited on its own; restarted after a backoff.</summary>
    Exited,
    FailedToStart,
    Stopping,
    Stopped,
}

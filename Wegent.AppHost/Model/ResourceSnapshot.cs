namespace Wegent.AppHost.Model;

/// <summary>One resource as it is now: what the dashboard lists and what tests wait on.</summary>
public sealed record ResourceSnapshot(
    string Name,
    ResourceState State,
    int? ProcessId,
    IReadOnlyList<string> Endpoints,
    int Restarts,
    int? ExitCode,
    string? Message)
{
    public bool IsUp => State is ResourceState.Healthy or ResourceState.Running;
}

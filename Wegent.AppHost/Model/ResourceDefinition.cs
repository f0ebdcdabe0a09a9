namespace Wegent.AppHost.Model;

/// <summary>A declared resource: an executable the AppHost runs, or (without <see cref="Command"/>) an external
/// service it only checks. Built with <see cref="Orchestrator.ResourceBuilder"/>.</summary>
public sealed class ResourceDefinition(string name)
{
    public string Name { get; } = name;

    /// <summary>The program to run; null for an external resource.</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; } = [];

    public string WorkingDirectory { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Added (value) or removed (null) on top of the AppHost's own environment.</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public List<Uri> Endpoints { get; } = [];

    public IHealthProbe? HealthProbe { get; set; }

    public List<ResourceDefinition> WaitFor { get; } = [];

    public RestartPolicy Restart { get; set; } = RestartPolicy.Default;
}

/// <summary>Restart on crash with exponential backoff, reset once the resource is up again.</summary>
public sealed record RestartPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>A crashed resource stays exited until it is started again (tests that kill it on purpose).</summary>
    public static RestartPolicy Never { get; } = new(TimeSpan.Zero, TimeSpan.Zero) { RestartsOnCrash = false };

    public bool RestartsOnCrash { get; init; } = true;

    public TimeSpan DelayBefore(int restartInARow) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, InitialDelay.Ticks * (1L << Math.Min(restartInARow, 20))));
}

/// <summary>Tells whether a running resource is healthy.</summary>
public interface IHealthProbe
{
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}

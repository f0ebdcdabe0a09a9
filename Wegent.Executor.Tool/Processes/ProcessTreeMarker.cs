namespace Wegent.Executor.Processes;

/// <summary>An environment variable unique to one agent run. Every process the run starts inherits it, so the run's
/// processes can be found even after they left the tree (tool processes start their own session and are reparented to
/// PID 1 when their parent dies).</summary>
internal sealed record ProcessTreeMarker(string VariableName, string Value)
{
    public const string DefaultVariableName = "WEGENT_AGENT_RUN_ID";

    /// <param name="ownerPrefix">Names the executor process that started the run, so its <see cref="OrphanReaper"/> can
    /// find every run of it; null for none.</param>
    public static ProcessTreeMarker CreateUnique(string? ownerPrefix = null) =>
        new(DefaultVariableName, ownerPrefix is null ? Guid.NewGuid().ToString("N") : $"{ownerPrefix}-{Guid.NewGuid():N}");

    /// <summary>The entry as it appears in /proc/&lt;pid&gt;/environ.</summary>
    public string Entry => $"{VariableName}={Value}";
}

namespace Wegent.Executor.Agents;

/// <summary>An environment variable unique to one agent run. Every process the run starts inherits it, so the run's
/// processes can be found even after they left the tree (tool processes start their own session and are reparented to
/// PID 1 when their parent dies).</summary>
internal sealed record ProcessTreeMarker(string VariableName, string Value)
{
    public const string DefaultVariableName = "WEGENT_AGENT_RUN_ID";

    public static ProcessTreeMarker CreateUnique() => new(DefaultVariableName, Guid.NewGuid().ToString("N"));

    /// <summary>The entry as it appears in /proc/&lt;pid&gt;/environ.</summary>
    public string Entry => $"{VariableName}={Value}";
}

namespace Wegent.Executor.Protocol;

/// <summary>The <c>workbench.status</c> values of the January generation's results (lower case, unlike the task's
/// <see cref="KnownStatuses"/>).</summary>
public static class KnownWorkbenchStatuses
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

namespace Wegent.Executor.Logging;

/// <summary>Names of the event properties the line format reads.</summary>
public static class LogProperties
{
    /// <summary>Short name of the part of the executor that logs, e.g. <c>connection</c>, <c>tasks</c>, <c>agent</c>.</summary>
    public const string Component = "Component";
    public const string CallerFile = "CallerFile";
    public const string CallerLine = "CallerLine";
    public const string SourceContext = "SourceContext";
}

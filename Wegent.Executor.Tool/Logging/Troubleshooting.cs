namespace Wegent.Executor.Logging;

/// <summary>The three troubleshooting blocks of the original user documentation: a heading, then a checklist.</summary>
public static class Troubleshooting
{
    public const string ConnectionFailedHeading = "Failed to connect to Backend WebSocket";
    public const string AgentInitializationFailedHeading = "Agent initialization failed";
    public const string FileLoggingFailedHeading = "Failed to setup file logging";

    public static string ConnectionFailed(Uri backendUrl, string? reason = null) =>
        Block(
            ConnectionFailedHeading,
            reason,
            $"The Backend is running: curl {backendUrl.GetLeftPart(UriPartial.Authority)}/",
            "WEGENT_BACKEND_URL is correct (it should start with http://, not wss://)",
            "WEGENT_AUTH_TOKEN is set");

    public static string AgentInitializationFailed(string? reason = null) =>
        Block(
            AgentInitializationFailedHeading,
            reason,
            "ANTHROPIC_API_KEY is set",
            "The network can reach the Anthropic API");

    public static string FileLoggingFailed(string logDirectory, string reason) =>
        Block(
            FileLoggingFailedHeading,
            reason,
            $"The log directory {logDirectory} is writable",
            "There is enough disk space");

    /// <summary>File logging worked but a write failed (e.g. the disk is full): console logging goes on.</summary>
    public static string FileLoggingStopped(string logFile, string reason) =>
        Block(
            $"{FileLoggingFailedHeading}: writing {logFile} failed, continuing with console logs only (retrying every {RotatingFileSink.RetryAfterFailure.TotalSeconds:0} s)",
            reason,
            "There is enough disk space",
            $"The log file {logFile} is writable");

    private static string Block(string heading, string? reason, params string[] checks)
    {
        var lines = new List<string> { reason is null ? heading : $"{heading}: {LogText.Escape(reason)}", "Check:" };
        lines.AddRange(checks.Select((check, index) => $"{index + 1}. {check}"));
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}

using System.Runtime.CompilerServices;
using Serilog;

namespace Wegent.Executor.Logging;

/// <summary>The small façade the rest of the executor logs through.</summary>
public static class LoggerExtensions
{
    /// <summary>A logger whose lines show <c>[component]</c>.</summary>
    public static ILogger ForComponent(this ILogger logger, string component) =>
        logger.ForContext(LogProperties.Component, component);

    /// <summary>Adds <c>[in File.cs:line]</c> of the calling line: <c>_log.Here().Information(...)</c>.</summary>
    public static ILogger Here(
        this ILogger logger,
        [CallerFilePath] string callerFilePath = "",
        [CallerLineNumber] int callerLineNumber = 0) =>
        logger
            .ForContext(LogProperties.CallerFile, Path.GetFileName(callerFilePath.Replace('\\', '/')))
            .ForContext(LogProperties.CallerLine, callerLineNumber);
}

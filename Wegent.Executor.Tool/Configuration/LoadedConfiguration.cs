namespace Wegent.Executor.Configuration;

/// <summary>The resolved options plus what the caller should log once logging is up.</summary>
/// <param name="Warnings">Lines to log as warnings (e.g. a ws:// URL mapped to http://).</param>
/// <param name="DebugNotes">Lines to log at debug (e.g. unknown keys ignored in config.env).</param>
public sealed record LoadedConfiguration(ExecutorOptions Options, IReadOnlyList<string> Warnings, IReadOnlyList<string> DebugNotes);

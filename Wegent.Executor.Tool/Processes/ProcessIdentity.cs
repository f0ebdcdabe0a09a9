namespace Wegent.Executor.Processes;

/// <summary>A process as seen in /proc/&lt;pid&gt;/stat: pid plus start time names a process uniquely, so a reused pid is
/// never mistaken for it.</summary>
public readonly record struct ProcessIdentity(int ProcessId, ulong StartTime);

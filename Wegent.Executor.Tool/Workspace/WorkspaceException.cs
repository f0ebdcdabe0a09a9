namespace Wegent.Executor.Workspace;

/// <summary>A failure to prepare a task's workspace, worded for the user.</summary>
public sealed class WorkspaceException(string message, Exception? inner = null) : Exception(message, inner);

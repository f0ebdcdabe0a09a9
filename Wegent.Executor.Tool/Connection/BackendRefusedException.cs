namespace Wegent.Executor.Connection;

/// <summary>The backend will not accept this executor (its token, most likely); retrying cannot help.</summary>
public sealed class BackendRefusedException(string message) : Exception(message);

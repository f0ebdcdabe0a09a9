namespace Wegent.Executor.Protocol;

/// <summary>The connection to the backend dropped (or was never up) before a message went out or its ack came back.
/// Transport-neutral, so the task layer does not catch a transport's own types.</summary>
public class BackendDisconnectedException(string message) : Exception(message);

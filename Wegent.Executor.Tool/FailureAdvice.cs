namespace Wegent.Executor;

/// <summary>The troubleshooting texts shown where connection and agent failures happen.</summary>
public sealed record FailureAdvice(Func<string, string> ConnectionFailed, Func<string?, string> AgentInitializationFailed);

namespace Wegent.Executor.Agents;

/// <summary>Why a run ended; the first one to happen wins.</summary>
internal enum AgentStopReason
{
    /// <summary>The CLI exited by itself.</summary>
    Exited,
    /// <summary>The caller's token was cancelled.</summary>
    Cancelled,
    /// <summary>No stdout line for the idle timeout.</summary>
    IdleTimeout,
    /// <summary>The result line was printed but the CLI did not exit within the grace period.</summary>
    ResultExitHang,
}

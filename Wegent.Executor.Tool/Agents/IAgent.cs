namespace Wegent.Executor.Agents;

/// <summary>Runs one prompt to its end. Knows nothing of Socket.IO: it reports through <see cref="IAgentObserver"/>.</summary>
public interface IAgent
{
    /// <summary>Cancelling the token interrupts the agent (grace period, then the whole process tree is killed);
    /// the returned outcome then has <see cref="AgentOutcomeStatus.Cancelled"/>.</summary>
    Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken);
}

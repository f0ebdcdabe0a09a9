using Wegent.Executor.Agents;

namespace Wegent.Executor.Telemetry;

/// <summary>Puts each agent run in a <c>task.agent</c> span under the task's span.</summary>
public sealed class TracedAgent(IAgent inner) : IAgent
{
    public async Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken)
    {
        using var span = ExecutorTelemetry.StartAgentRun();
        var outcome = await inner.RunAsync(request, observer, cancellationToken).ConfigureAwait(false);
        span?.SetTag("wegent.agent.outcome", outcome.Status.ToString());
        if (outcome.NumTurns is { } turns) span?.SetTag("wegent.agent.turns", turns);
        return outcome;
    }
}

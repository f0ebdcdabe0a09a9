using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.TestSupport;

/// <summary>For a <see cref="RunnerHarness"/> whose test runs no task: any run is a test bug.</summary>
public sealed class UnusedAgent : IAgent
{
    public Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("This test runs no agent.");
}

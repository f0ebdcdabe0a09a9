namespace Wegent.Executor.Agents;

public enum AgentOutcomeStatus
{
    Succeeded,
    Failed,
    Cancelled,
}

namespace Wegent.Executor.Agents;

public interface IAgentObserver
{
    void OnEvent(AgentEvent agentEvent);
}

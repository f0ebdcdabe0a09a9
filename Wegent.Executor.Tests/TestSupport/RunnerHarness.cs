using Wegent.Executor.Agents;
using Wegent.Executor.Tasks;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.TestSupport;

/// <summary>The real task runner and delivery in a temporary home, with a test agent and a recording channel.</summary>
public sealed class RunnerHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("runner-");

    public RunnerHarness(IAgent agent)
    {
        Channel.SetReady();
        Home = _root.CreateSubdirectory("home").FullName;
        var layout = new WorkspaceLayout(Path.Combine(Home, "workspace"));
        Delivery = new ReportDelivery(Channel, new Outbox(Path.Combine(Home, "outbox"), Log.Logger),
            new DeliveryOptions { ProgressInterval = TimeSpan.FromMilliseconds(1) }, TimeProvider.System, Log.Logger);
        Runner = new TaskRunner(agent, Delivery, layout, new BareWorkspacePreparer(layout), new AgentRequestBuilder(layout, new AgentRequestBuilderOptions()),
            new TaskRunnerOptions(), TimeProvider.System, Log.Logger);
    }

    /// <summary>Everything the runner may write lives below this folder.</summary>
    public string Home { get; }

    /// <summary>The temporary folder that holds <see cref="Home"/>.</summary>
    public string Root => _root.FullName;

    public FakeBackendChannel Channel { get; } = new();

    public TestLog Log { get; } = new();

    public ReportDelivery Delivery { get; }

    public TaskRunner Runner { get; }

    public async ValueTask DisposeAsync()
    {
        await Delivery.DisposeAsync();
        _root.Delete(recursive: true);
    }
}

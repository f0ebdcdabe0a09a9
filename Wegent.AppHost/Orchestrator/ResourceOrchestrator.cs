using Microsoft.Extensions.Hosting;
using Wegent.AppHost.Model;

namespace Wegent.AppHost.Orchestrator;

/// <summary>Runs every resource's supervisor for the host's lifetime; on shutdown (Ctrl-C, SIGTERM, StopAsync) stops
/// them one by one in reverse declaration order, so dependents (the executor) go before what they depend on.</summary>
public sealed class ResourceOrchestrator : IHostedService
{
    private readonly IReadOnlyList<ResourceSupervisor> _supervisors;
    private readonly TimeSpan _stopGrace;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<Task> _runs = [];

    internal ResourceOrchestrator(IReadOnlyList<ResourceDefinition> resources, TimeProvider time, TimeSpan stopGrace)
    {
        _stopGrace = stopGrace;
        var supervisors = new List<ResourceSupervisor>();
        foreach (var resource in resources)
        {
            var dependencies = resource.WaitFor.Select(d => supervisors.Single(s => s.Name == d.Name)).ToArray();
            supervisors.Add(new ResourceSupervisor(resource, dependencies, time, stopGrace));
        }

        _supervisors = supervisors;
    }

    public IReadOnlyList<ResourceSupervisor> Resources => _supervisors;

    public ResourceSupervisor? Find(string name) => _supervisors.FirstOrDefault(s => s.Name == name);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var supervisor in _supervisors) _runs.Add(Task.Run(() => supervisor.RunAsync(_shutdown.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var supervisor in _supervisors.Reverse())
        {
            supervisor.Stop();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_stopGrace + TimeSpan.FromSeconds(5));
            await ((Task)supervisor.WaitForAsync(s => s.State is ResourceState.Stopped, deadline.Token)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_runs).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

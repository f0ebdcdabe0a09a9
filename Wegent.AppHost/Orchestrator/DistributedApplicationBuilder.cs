using Wegent.AppHost.Dashboard;
using Wegent.AppHost.Model;

namespace Wegent.AppHost.Orchestrator;

/// <summary>Declares resources, then builds the <see cref="DistributedApplication"/> that runs them (like Aspire's).</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<ResourceBuilder> _resources = [];

    public DistributedApplicationBuilder(DistributedApplicationOptions? options = null)
    {
        Options = options ?? new DistributedApplicationOptions();
        Probes = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    }

    public DistributedApplicationOptions Options { get; }

    /// <summary>Shared by the health probes of all resources.</summary>
    internal HttpClient Probes { get; }

    /// <summary>The dev backend the dashboard reads devices and tasks from (its URL and token), when there is one.</summary>
    public BackendLink? Backend { get; set; }

    public IReadOnlyList<ResourceBuilder> Resources => _resources;

    public ResourceBuilder AddExecutable(string name, string command, string workingDirectory, params string[] arguments)
    {
        var builder = Add(name);
        builder.Resource.Command = command;
        builder.Resource.WorkingDirectory = workingDirectory;
        builder.Resource.Arguments.AddRange(arguments);
        return builder;
    }

    /// <summary>A service the AppHost does not run but checks and shows (e.g. a backend started elsewhere).</summary>
    public ResourceBuilder AddExternalService(string name, Uri url) => Add(name).WithExternalEndpoint(url);

    public DistributedApplication Build() => new(this);

    private ResourceBuilder Add(string name)
    {
        if (_resources.Any(r => r.Resource.Name == name)) throw new InvalidOperationException($"A resource named {name} already exists.");
        var builder = new ResourceBuilder(new ResourceDefinition(name), Probes);
        _resources.Add(builder);
        return builder;
    }
}

public sealed record DistributedApplicationOptions
{
    /// <summary>0: a free port.</summary>
    public int DashboardPort { get; init; }

    /// <summary>The dashboard's login token; a fresh random one when null.</summary>
    public string? DashboardToken { get; init; }

    /// <summary>How long a resource may take to exit after SIGTERM before its tree is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

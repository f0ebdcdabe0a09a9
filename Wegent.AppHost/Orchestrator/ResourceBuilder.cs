using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Wegent.AppHost.Model;

namespace Wegent.AppHost.Orchestrator;

/// <summary>Fluent declaration of one resource, in Aspire's vocabulary.</summary>
public sealed class ResourceBuilder(ResourceDefinition resource, HttpClient probes)
{
    public ResourceDefinition Resource { get; } = resource;

    /// <summary>The first endpoint (after <see cref="WithHttpEndpoint"/>).</summary>
    public Uri Url => Resource.Endpoints.Count > 0 ? Resource.Endpoints[0] : throw new InvalidOperationException($"{Resource.Name} has no endpoint.");

    public int Port => Url.Port;

    /// <summary>Adds an http endpoint on 127.0.0.1, on a free port unless one is given.</summary>
    public ResourceBuilder WithHttpEndpoint(int? port = null)
    {
        Resource.Endpoints.Add(new Uri($"http://127.0.0.1:{(port is > 0 ? port.Value : FreePort()).ToString(CultureInfo.InvariantCulture)}"));
        return this;
    }

    /// <summary>An endpoint of a service the AppHost does not run.</summary>
    public ResourceBuilder WithExternalEndpoint(Uri url)
    {
        Resource.Endpoints.Add(url);
        return this;
    }

    public ResourceBuilder WithArgs(params string[] arguments)
    {
        Resource.Arguments.AddRange(arguments);
        return this;
    }

    public ResourceBuilder WithEnvironment(string name, string? value)
    {
        Resource.Environment[name] = value;
        return this;
    }

    /// <summary>Healthy when GET on the first endpoint plus <paramref name="path"/> succeeds.</summary>
    public ResourceBuilder WithHttpHealthCheck(string path = "/health") =>
        WithHealthCheck(new HttpHealthProbe(probes, new Uri(Url, path)));

    public ResourceBuilder WithHealthCheck(IHealthProbe probe)
    {
        Resource.HealthProbe = probe;
        return this;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy (or running, without a check).</summary>
    public ResourceBuilder WaitFor(ResourceBuilder dependency)
    {
        Resource.WaitFor.Add(dependency.Resource);
        return this;
    }

    public ResourceBuilder WithRestartPolicy(RestartPolicy policy)
    {
        Resource.Restart = policy;
        return this;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

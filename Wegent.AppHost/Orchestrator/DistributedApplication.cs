using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wegent.AppHost.Dashboard;
using Wegent.AppHost.Model;
using Wegent.ServiceDefaults;

namespace Wegent.AppHost.Orchestrator;

/// <summary>The running AppHost: the resources' orchestrator and the dashboard, in one ASP.NET Core host whose lifetime
/// (Ctrl-C, SIGTERM) stops every resource. Tests drive it the way Aspire's testing builder is driven.</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly DashboardAuth _auth;
    private readonly BackendProxy? _backend;
    private readonly HttpClient _probes;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        var options = builder.Options;
        _probes = builder.Probes;
        _auth = new DashboardAuth(options.DashboardToken ?? DashboardAuth.NewToken());
        _backend = builder.Backend is { } link ? new BackendProxy(link) : null;
        Orchestrator = new ResourceOrchestrator([.. builder.Resources.Select(r => r.Resource)], options.Time, options.StopGrace);

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "wegent-apphost", ContentRootPath = AppContext.BaseDirectory });
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.DashboardPort));
        web.Logging.AddFilter("Microsoft", LogLevel.Warning);
        web.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.StopGrace * 3 + TimeSpan.FromSeconds(5));
        web.Services.AddSingleton<IHostedService>(Orchestrator);
        web.AddServiceDefaults("Wegent.AppHost");
        _web = web.Build();
        _web.Use(async (context, next) =>
        {
            if (DashboardAuth.NeedsLogin(context.Request.Path) && !_auth.IsAuthorized(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("Open the dashboard with the login URL the AppHost printed at start-up.").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        DashboardEndpoints.Map(_web, Orchestrator, _auth, _backend);
    }

    public static DistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions? options = null) => new(options);

    public ResourceOrchestrator Orchestrator { get; }

    /// <summary>The dashboard's address (after <see cref="StartAsync"/>).</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    public string DashboardToken => _auth.Token;

    /// <summary>Opens the dashboard and logs in.</summary>
    public Uri DashboardLoginUrl => new(DashboardUrl, "/login?t=" + DashboardToken);

    public ResourceSupervisor GetResource(string name) =>
        Orchestrator.Find(name) ?? throw new ArgumentException($"No resource named {name}.", nameof(name));

    /// <summary>Starts the dashboard and every resource; returns without waiting for them to be healthy.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _web.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        DashboardUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Waits until every resource is healthy (or running, where it has no health check).</summary>
    public async Task WaitForAllUpAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in Orchestrator.Resources) await resource.WaitForAsync(s => s.IsUp, cancellationToken).ConfigureAwait(false);
    }

    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken) =>
        GetResource(name).WaitForAsync(s => s.IsUp, cancellationToken);

    /// <summary>Runs until Ctrl-C or SIGTERM, then stops every resource.</summary>
    public Task WaitForShutdownAsync() => _web.WaitForShutdownAsync();

    public Task StopAsync(CancellationToken cancellationToken = default) => _web.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _web.DisposeAsync().ConfigureAwait(false);
        _backend?.Dispose();
        _probes.Dispose();
    }
}

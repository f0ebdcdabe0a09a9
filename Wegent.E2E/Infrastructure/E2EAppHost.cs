using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wegent.AppHost;

namespace Wegent.E2E.Infrastructure;

/// <summary>The AppHost of `scripts/run`, started through Aspire.Hosting.Testing without an executor (each test starts
/// its own): the scripted model runs for the whole test run, the backend is started per test with that test's settings
/// and a fresh database, and stopped after it. One such AppHost serves the whole run (Aspire's start-up is the
/// expensive part); a test that holds a backend while asking for another gets an AppHost of its own.</summary>
internal sealed class E2EAppHost : IAsyncDisposable
{
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static E2EAppHost? _shared;
    private static bool _sharedInUse;

    private readonly DistributedApplication _app;
    private readonly DirectoryInfo _run;
    private Dictionary<string, string?> _backendSettings = [];

    private E2EAppHost(DistributedApplication app, DirectoryInfo run, int backendPort, int modelPort)
    {
        _app = app;
        _run = run;
        BackendPort = backendPort;
        ModelPort = modelPort;
        BackendLog = ResourceLog.Follow(app, WegentAppModel.Backend);
    }

    public int BackendPort { get; }

    public int ModelPort { get; }

    public ResourceLog BackendLog { get; }

    public ResourceNotificationService Notifications => _app.ResourceNotifications;

    public ResourceCommandService Commands => _app.ResourceCommands;

    /// <summary>The shared AppHost when no test holds its backend, else a new one; <paramref name="release"/> gives it back.</summary>
    public static async Task<(E2EAppHost Host, Func<ValueTask> Release)> AcquireAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (!_sharedInUse)
            {
                if (_shared is null)
                {
                    var shared = await StartAsync();
                    // DCP would end the resources once this process is gone anyway; this ends them in order.
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => shared.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
                    _shared = shared;
                }

                _sharedInUse = true;
                return (_shared, () =>
                {
                    _sharedInUse = false;
                    return ValueTask.CompletedTask;
                }
                );
            }
        }
        finally
        {
            SharedGate.Release();
        }

        var own = await StartAsync();
        return (own, own.DisposeAsync);
    }

    /// <summary>The settings the backend's next start gets on top of the AppHost's (a value of null removes one).</summary>
    public void SetBackendSettings(Dictionary<string, string?> settings) => _backendSettings = settings;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        BackendLog.Dispose();
        try
        {
            _run.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<E2EAppHost> StartAsync()
    {
        var run = Directory.CreateTempSubdirectory("wegent-e2e-apphost-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Wegent_AppHost>(
            ["--scripted-model", "--no-executor", "--run-dir", run.FullName]);
        var backend = builder.CreateResourceBuilder((ExecutableResource)builder.Resources.Single(r => r.Name == WegentAppModel.Backend));
        var model = builder.CreateResourceBuilder((ExecutableResource)builder.Resources.Single(r => r.Name == WegentAppModel.Model));
        E2EAppHost? host = null;
        // Started by each test (with its settings), never by the AppHost itself.
        backend.WithExplicitStart().WithEnvironment(context =>
        {
            foreach (var (key, value) in host!._backendSettings)
            {
                if (value is null) context.EnvironmentVariables.Remove(key);
                else context.EnvironmentVariables[key] = value;
            }
        });
        var app = await builder.BuildAsync();
        host = new E2EAppHost(app, run, PortOf(backend), PortOf(model));
        try
        {
            await app.StartAsync();
            using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(WegentAppModel.Model, timeout.Token);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    private static int PortOf(IResourceBuilder<IResourceWithEndpoints> resource) => new Uri(WegentAppModel.UrlOf(resource)).Port;
}

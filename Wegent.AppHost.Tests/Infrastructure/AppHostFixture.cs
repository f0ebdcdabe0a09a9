using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Wegent.AppHost.Tests.Infrastructure;

/// <summary>One run of the whole AppHost (model, backend, executor, the Aspire dashboard), as `dotnet run` declares
/// it, started through Aspire.Hosting.Testing once for every test of the collection.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _run = Directory.CreateTempSubdirectory("wegent-apphost-run-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost did not start.");

    public string RunDirectory => _run.FullName;

    /// <summary>How long the start took until every resource was healthy.</summary>
    public TimeSpan StartedIn { get; private set; }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Wegent_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            ["--scripted-model", "--run-dir", _run.FullName]);
        _app = await builder.BuildAsync();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            foreach (var name in new[] { WegentAppModel.Model, WegentAppModel.Backend, WegentAppModel.Executor })
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The AppHost's resources did not become healthy:\n" + Describe(_app));
        }

        StartedIn = started.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try
        {
            _run.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Describe(DistributedApplication app)
    {
        var notifications = app.ResourceNotifications;
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        return string.Join('\n', model.Resources.Select(r =>
            notifications.TryGetCurrentState(r.Name, out var state)
                ? $"{r.Name}: {state.Snapshot.State?.Text} health {state.Snapshot.HealthStatus} {string.Join("; ", state.Snapshot.HealthReports.Select(h => h.Description))}"
                : $"{r.Name}: no state"));
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}

internal static class TestTimeouts
{
    /// <summary>Longer on CI, where the machine is shared.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? 120 : 60);
}

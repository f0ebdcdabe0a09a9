using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
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

    /// <summary>The backend token the AppHost generated for this run.</summary>
    public string Token { get; private set; } = "";

    /// <summary>How long the start took until every resource was healthy.</summary>
    public TimeSpan StartedIn { get; private set; }

    public async Task InitializeAsync()
    {
        if (TestPrerequisites.SkipReason(browser: false) is not null) return;
        var started = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Wegent_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            ["--scripted-model", "--run-dir", _run.FullName]);
        // The testing builder turns the dashboard's prompts off; the dispatch dialog is part of what is tested.
        builder.Configuration["ASPIRE_INTERACTIVITY_ENABLED"] = "true";
        _app = await builder.BuildAsync();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
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
        var model = _app.Services.GetRequiredService<DistributedApplicationModel>();
        var token = (ParameterResource)model.Resources.Single(r => r.Name == WegentAppModel.TokenParameter);
        Token = await token.GetValueAsync(CancellationToken.None) ?? "";
    }

    /// <summary>Reads <paramref name="resource"/>'s console (Aspire replays it from the start) until a line satisfying
    /// <paramref name="match"/> arrives, and returns every line read, each with whether it came on stderr.</summary>
    public async Task<IReadOnlyList<LogLine>> ConsoleUntilAsync(string resource, Func<LogLine, bool> match)
    {
        // By the resource, not its name: the logs are kept per instance (model-xyz), which this overload resolves.
        var watched = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        var lines = new List<LogLine>();
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(watched).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch);
                if (batch.Any(match)) return lines;
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"No such line on {resource}'s console, which shows:\n" + string.Join('\n', lines.Select(l => l.Content)));
    }

    /// <summary>The highest task id the backend knows.</summary>
    public async Task<long> NewestTaskIdAsync()
    {
        using var http = BackendClient();
        var tasks = JsonNode.Parse(await http.GetStringAsync("/api/tasks"))!.AsArray();
        return tasks.Max(t => t!["task_id"]!.GetValue<long>());
    }

    /// <summary>Polls the backend's REST API until task <paramref name="taskId"/> has a status satisfying <paramref name="accept"/>.</summary>
    public async Task<JsonObject> WaitForTaskAsync(long taskId, Func<string, bool> accept)
    {
        using var http = BackendClient();
        JsonObject? last = null;
        try
        {
            return await Wait.ForValueAsync(async () =>
            {
                last = JsonNode.Parse(await http.GetStringAsync($"/api/tasks/{taskId}?events=false"))!.AsObject();
                return last["status"]?.GetValue<string>() is { } status && accept(status) ? last : null;
            }, $"task {taskId} to reach the expected status");
        }
        catch (TimeoutException timedOut)
        {
            throw new TimeoutException($"{timedOut.Message}; last seen: {last?.ToJsonString()}");
        }
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

    private HttpClient BackendClient()
    {
        var http = new HttpClient { BaseAddress = App.GetEndpoint(WegentAppModel.Backend, "http") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
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

/// <summary>A test of the running AppHost: needs Python with the dev backend's packages and the Claude Code CLI.
/// Skipped with the reason when one is missing, unless WEGENT_E2E_REQUIRED=1 (scripts/test) makes it fail instead.</summary>
public sealed class AppHostFactAttribute : FactAttribute
{
    public AppHostFactAttribute()
    {
        Timeout = (int)(Wait.DefaultTimeout.TotalMilliseconds * 3);
        Skip = TestPrerequisites.SkipReason(browser: false);
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Wegent.AppHost;
using Wegent.AppHost.Model;
using Wegent.AppHost.Orchestrator;

namespace Wegent.E2E.Infrastructure;

/// <summary>The dev backend and, separately, its scripted model, declared and run by the AppHost's orchestrator (the
/// resources `dotnet run --project Wegent.AppHost` starts) on free loopback ports, with a database of this test's own.
/// The model runs on its own so the backend can be killed and restarted while an agent is mid-request; neither is
/// restarted on a crash, since tests kill the backend on purpose and start it again themselves.</summary>
public sealed class DevBackend : IAsyncDisposable
{
    /// <summary>The token every test executor uses, unless a test brings its own through WEGENT_DEV_TOKENS.</summary>
    public const string DefaultToken = "e2e-token";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("wegent-e2e-backend-");
    private readonly DistributedApplication _app;
    private readonly ResourceSupervisor _backendResource;
    private readonly ResourceSupervisor _modelResource;
    private ManagedProcess? _backend;

    private DevBackend(Dictionary<string, string?> extraSettings)
    {
        var layout = RepositoryLayout.Discover(Environment.GetEnvironmentVariable);
        // Stopping at the end of a test kills at once, as disposing a process did.
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { StopGrace = TimeSpan.Zero });
        var model = WegentAppModel.AddScriptedModel(builder, layout).WithRestartPolicy(RestartPolicy.Never);
        var tokens = extraSettings.GetValueOrDefault("WEGENT_DEV_TOKENS") ?? DefaultToken;
        var backend = WegentAppModel.AddDevBackend(builder, layout, Path.Combine(_data.FullName, "dev.db"), tokens, model)
            .WithRestartPolicy(RestartPolicy.Never);
        foreach (var (key, value) in extraSettings) backend.WithEnvironment(key, value);

        Port = backend.Port;
        ModelPort = model.Port;
        Token = tokens.Split(',')[0];
        Api = new BackendApi(new Uri(Url), Token);
        _app = builder.Build();
        _backendResource = _app.GetResource(WegentAppModel.Backend);
        _modelResource = _app.GetResource(WegentAppModel.Model);
    }

    public int Port { get; }

    public string Token { get; }

    public int ModelPort { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string ModelUrl => $"http://127.0.0.1:{ModelPort}";

    public BackendApi Api { get; }

    public ManagedProcess Process => _backend ?? throw new InvalidOperationException("The backend is not running.");

    public static async Task<DevBackend> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var backend = new DevBackend(settings ?? []);
        try
        {
            var (model, server) = (backend._modelResource.Snapshot, backend._backendResource.Snapshot);
            await backend._app.StartAsync();
            await WaitUpAsync(backend._modelResource, model);
            await WaitUpAsync(backend._backendResource, server);
            backend._backend = ManagedProcess.Attach(backend._backendResource, afterSequence: 0);
            return backend;
        }
        catch
        {
            await backend.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the backend again (after <see cref="KillBackendAsync"/>) and waits until it is healthy.</summary>
    public async Task StartBackendAsync()
    {
        var before = _backendResource.Snapshot;
        var lastLine = _backendResource.Log.Snapshot() is [.., var last] ? last.Sequence : 0;
        _backendResource.Start();
        await WaitUpAsync(_backendResource, before);
        _backend = ManagedProcess.Attach(_backendResource, lastLine);
    }

    /// <summary>SIGKILL: the backend gets no chance to close its sockets, like a crash.</summary>
    public async Task KillBackendAsync()
    {
        var backend = Process;
        _backendResource.Signal(ProcessSignal.Kill);
        await backend.WaitForExitAsync();
        await backend.DisposeAsync();
        _backend = null;
        // Settled, so that a following start is a new run and not this one ending.
        using var timeout = new CancellationTokenSource(TestEnvironment.DefaultTimeout);
        await _backendResource.WaitForAsync(s => s.State is ResourceState.Exited, timeout.Token);
    }

    /// <summary>SIGSTOP / SIGCONT: the socket stays open but nothing is answered, like a hung server.</summary>
    public void Freeze() => Signal(ProcessSignal.Stop);

    public void Thaw() => Signal(ProcessSignal.Continue);

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            _backendResource.Signal(ProcessSignal.Continue);
            await _backend.DisposeAsync();
        }

        await _app.DisposeAsync();
        Api.Dispose();
        _data.Delete(recursive: true);
    }

    private void Signal(ProcessSignal signal)
    {
        if (_backend is null || !_backendResource.Signal(signal)) throw new InvalidOperationException("The backend is not running.");
    }

    /// <summary>Waits for a run newer than <paramref name="before"/> to be healthy; fails fast when it exits instead.</summary>
    private static async Task WaitUpAsync(ResourceSupervisor resource, ResourceSnapshot before)
    {
        using var timeout = new CancellationTokenSource(TestEnvironment.DefaultTimeout);
        ResourceSnapshot settled;
        try
        {
            await resource.WaitForAsync(s => !ReferenceEquals(s, before), timeout.Token);
            settled = await resource.WaitForAsync(s => s.IsUp || s.State is ResourceState.Exited or ResourceState.FailedToStart, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{resource.Name} did not become healthy at {string.Join(' ', resource.Snapshot.Endpoints)}:\n{LogOf(resource)}");
        }

        if (!settled.IsUp) throw new InvalidOperationException($"{resource.Name} exited during start-up ({settled.Message}):\n{LogOf(resource)}");
    }

    private static string LogOf(ResourceSupervisor resource) => string.Join('\n', resource.Log.Snapshot().Select(line => line.Text));
}

/// <summary>The dev backend's REST API, as the tests use it.</summary>
public sealed class BackendApi(Uri baseUrl, string token) : IDisposable
{
    // uvicorn closes a keep-alive connection after 5 s idle; reusing one just then is reset, so drop them sooner.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) })
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { { "Authorization", "Bearer " + token } },
    };

    public async Task<JsonArray> DevicesAsync() => (await GetAsync("/api/devices")).AsArray();

    public async Task<(long TaskId, long SubtaskId)> CreateTaskAsync(JsonObject body)
    {
        var created = await PostAsync("/api/tasks", body);
        return (created["task_id"]!.GetValue<long>(), created["subtask_id"]!.GetValue<long>());
    }

    public async Task<long> FollowUpAsync(long taskId, JsonObject body) =>
        (await PostAsync($"/api/tasks/{taskId}/messages", body))["subtask_id"]!.GetValue<long>();

    public Task CancelAsync(long taskId) => PostAsync($"/api/tasks/{taskId}/cancel", []);

    public Task EmitAsync(string deviceId, string eventName, JsonNode? payload) =>
        PostAsync($"/api/devices/{deviceId}/emit", new JsonObject { ["event"] = eventName, ["payload"] = payload });

    /// <summary>Makes the backend answer every socket ack this late (a dev-only fault); restarts its ack counts.</summary>
    public async Task SetAckDelayAsync(TimeSpan delay)
    {
        using var response = await _http.PutAsJsonAsync(new Uri("/api/dev/acks", UriKind.Relative), new JsonObject { ["delay_seconds"] = delay.TotalSeconds });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The most acks held at once for one stream (a socket; for reports, one subtask), by event.</summary>
    public async Task<Dictionary<string, int>> MaxUnansweredAcksAsync() =>
        (await GetAsync("/api/dev/acks"))["max_unanswered"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());

    /// <summary>The events (all, or those named <paramref name="eventName"/>) the backend received or sent after history entry <paramref name="since"/>.</summary>
    public async Task<JsonArray> EventsAsync(long since = 0, string? eventName = null) =>
        (await GetAsync($"/api/events?since={since}" + (eventName is null ? "" : "&event=" + Uri.EscapeDataString(eventName)))).AsArray();

    /// <summary>Emits an event whose payload is given as JSON text (so it may hold what a JsonNode cannot, e.g. a lone surrogate).</summary>
    public async Task EmitRawAsync(string deviceId, string eventName, string payloadJson)
    {
        var body = $"{{\"event\":{JsonValue.Create(eventName).ToJsonString()},\"payload\":{payloadJson}}}";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri($"/api/devices/{deviceId}/emit", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"emit {eventName} answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>Registers a skill zip the executor can download by name; returns its id.</summary>
    public async Task<long> UploadSkillAsync(string name, byte[] zip) =>
        (await PostAsync("/api/v1/kinds/skills", new JsonObject { ["name"] = name, ["namespace"] = "default", ["zip_base64"] = Convert.ToBase64String(zip) }))["id"]!.GetValue<long>();

    /// <summary>Stores an attachment; returns the entry a task payload lists.</summary>
    public Task<JsonObject> UploadAttachmentAsync(string fileName, byte[] content) =>
        PostAsync("/api/attachments", new JsonObject { ["original_filename"] = fileName, ["content_base64"] = Convert.ToBase64String(content) });

    public async Task<JsonObject> TaskAsync(long taskId) => (await GetAsync($"/api/tasks/{taskId}")).AsObject();

    /// <summary>The subtask as the backend sees it (without the task's event history, which can be large).</summary>
    public async Task<JsonObject> SubtaskAsync(long taskId, long subtaskId) =>
        (await GetAsync($"/api/tasks/{taskId}?events=false"))["subtasks"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["subtask_id"]!.GetValue<long>() == subtaskId);

    /// <summary>Polls the backend's view until the subtask satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonObject> WaitForSubtaskAsync(long taskId, long subtaskId, Func<JsonObject, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestEnvironment.DefaultTimeout);
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await SubtaskAsync(taskId, subtaskId);
                if (condition(last)) return last;
            }
            catch (HttpRequestException)
            {
                // The backend may be restarting.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out waiting for subtask {subtaskId} to be {what}; last seen: {last?.ToJsonString()}");
    }

    public async Task<JsonObject> WaitForFinalAsync(long taskId, long subtaskId, TimeSpan? timeout = null) =>
        await WaitForSubtaskAsync(taskId, subtaskId,
            s => s["status"]?.GetValue<string>() is "COMPLETED" or "FAILED" or "CANCELLED", "finished", timeout);

    public async Task<JsonObject> WaitForDeviceAsync(Func<JsonObject, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestEnvironment.DefaultTimeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var device = (await DevicesAsync()).Select(d => d!.AsObject()).FirstOrDefault(condition);
                if (device is not null) return device;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out waiting for a device that is {what}");
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private async Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}

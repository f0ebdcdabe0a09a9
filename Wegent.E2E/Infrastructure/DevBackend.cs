using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wegent.AppHost;
using Wegent.Executor.Processes;

namespace Wegent.E2E.Infrastructure;

/// <summary>The dev backend and, separately, its scripted model, as the AppHost declares them (`scripts/run`), run by
/// Aspire on loopback ports with a database of this test's own. The model runs on its own so the backend can be killed
/// and restarted while an agent is mid-request; Aspire never restarts the backend by itself, so a killed one stays down
/// until the test starts it again.</summary>
public sealed class DevBackend : IAsyncDisposable
{
    /// <summary>The token every test executor uses, unless a test brings its own through WEGENT_DEV_TOKENS.</summary>
    public const string DefaultToken = "e2e-token";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("wegent-e2e-backend-");
    private readonly E2EAppHost _host;
    private readonly Func<ValueTask> _release;
    private readonly List<DateTimeOffset> _kills = [];
    private ManagedProcess? _backend;

    private DevBackend(E2EAppHost host, Func<ValueTask> release, Dictionary<string, string?> extraSettings)
    {
        _host = host;
        _release = release;
        var tokens = extraSettings.GetValueOrDefault("WEGENT_DEV_TOKENS") ?? DefaultToken;
        host.SetBackendSettings(new Dictionary<string, string?>(extraSettings)
        {
            ["WEGENT_DEV_DB"] = Path.Combine(_data.FullName, "dev.db"),
            ["WEGENT_DEV_TOKENS"] = tokens,
        });
        Token = tokens.Split(',')[0];
        Api = new BackendApi(new Uri(Url), Token);
    }

    public int Port => _host.BackendPort;

    public string Token { get; }

    public int ModelPort => _host.ModelPort;

    public string Url => $"http://127.0.0.1:{Port}";

    public string ModelUrl => $"http://127.0.0.1:{ModelPort}";

    public BackendApi Api { get; }

    public ManagedProcess Process => _backend ?? throw new InvalidOperationException("The backend is not running.");

    /// <summary>A backend of the given generation.</summary>
    public static Task<DevBackend> StartAsync(BackendGeneration generation, Dictionary<string, string?>? settings = null) =>
        StartAsync(new Dictionary<string, string?>(settings ?? []) { [generation.Setting().Key] = generation.Setting().Value });

    /// <summary>A backend of the dev backend's default generation (what a user meets today: <see cref="BackendGeneration.Responses"/>)
    /// unless <paramref name="settings"/> choose one.</summary>
    public static async Task<DevBackend> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var (host, release) = await E2EAppHost.AcquireAsync();
        var backend = new DevBackend(host, release, settings ?? []);
        try
        {
            await backend.StartBackendAsync();
            return backend;
        }
        catch
        {
            await backend.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the backend (again, after <see cref="KillBackendAsync"/>) and waits until it is healthy.</summary>
    public async Task StartBackendAsync()
    {
        var firstLine = _host.BackendLog.Count;
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        var result = await _host.Commands.ExecuteCommandAsync(WegentAppModel.Backend, KnownResourceCommands.StartCommand, timeout.Token);
        if (!result.Success) throw new InvalidOperationException($"Aspire did not start the backend: {result.Message}");
        ResourceEvent settled;
        try
        {
            // The previous run's end (Exited) may still be the current state: only what follows a new start counts.
            var started = false;
            settled = await _host.Notifications.WaitForResourceAsync(WegentAppModel.Backend, e =>
            {
                var state = e.Snapshot.State?.Text;
                started |= state == KnownResourceStates.Starting || state == KnownResourceStates.Running;
                return state == KnownResourceStates.FailedToStart
                    || (started && state is not null && KnownResourceStates.TerminalStates.Contains(state))
                    || (ResourceRunHandle.ProcessIdOf(e.Snapshot) is not null && e.Snapshot.HealthStatus == HealthStatus.Healthy);
            }, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The backend did not become healthy at {Url}:\n{LogSince(firstLine)}");
        }

        if (ResourceRunHandle.ProcessIdOf(settled.Snapshot) is not { } pid)
        {
            throw new InvalidOperationException($"The backend exited during start-up ({settled.Snapshot.State?.Text}):\n{LogSince(firstLine)}");
        }

        _backend = ManagedProcess.Attach(new ResourceRunHandle(_host.Notifications, WegentAppModel.Backend, pid), WegentAppModel.Backend, _host.BackendLog, firstLine);
    }

    /// <summary>When <see cref="KillBackendAsync"/> killed the backend, oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> Kills => _kills;

    /// <summary>SIGKILL: the backend gets no chance to close its sockets, like a crash.</summary>
    public async Task KillBackendAsync()
    {
        var backend = Process;
        _kills.Add(DateTimeOffset.UtcNow);
        backend.Kill();
        await backend.WaitForExitAsync();
        await backend.DisposeAsync();
        _backend = null;
        // Settled, so that a following start is a new run and not this one ending.
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        await _host.Notifications.WaitForResourceAsync(WegentAppModel.Backend, [KnownResourceStates.Exited, KnownResourceStates.Finished], timeout.Token);
    }

    /// <summary>SIGSTOP / SIGCONT: the socket stays open but nothing is answered, like a hung server.</summary>
    public void Freeze() => Process.Signal(UnixSignal.Stop);

    public void Thaw() => Process.Signal(UnixSignal.Continue);

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            _backend.Signal(UnixSignal.Continue);
            await KillBackendAsync();
        }

        Api.Dispose();
        await _release();
        _data.Delete(recursive: true);
    }

    private string LogSince(int firstLine)
    {
        var lines = new List<string>();
        using (_host.BackendLog.Subscribe(firstLine, lines.Add))
        {
            return string.Join('\n', lines);
        }
    }
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
        JsonObject? last = null;
        try
        {
            return await Wait.ForValueAsync(() => WhileReachableAsync(async () =>
            {
                last = await SubtaskAsync(taskId, subtaskId);
                return condition(last) ? last : null;
            }), $"subtask {subtaskId} to be {what}", timeout);
        }
        catch (TimeoutException timedOut)
        {
            throw new TimeoutException($"{timedOut.Message}; last seen: {last?.ToJsonString()}");
        }
    }

    public async Task<JsonObject> WaitForFinalAsync(long taskId, long subtaskId, TimeSpan? timeout = null) =>
        await WaitForSubtaskAsync(taskId, subtaskId,
            s => s["status"]?.GetValue<string>() is "COMPLETED" or "FAILED" or "CANCELLED", "finished", timeout);

    public Task<JsonObject> WaitForDeviceAsync(Func<JsonObject, bool> condition, string what) =>
        Wait.ForValueAsync(() => WhileReachableAsync(async () => (await DevicesAsync()).Select(d => d!.AsObject()).FirstOrDefault(condition)),
            $"a device that is {what}");

    /// <summary>The probe's answer, or null (try again) while the backend does not answer: it may be restarting.</summary>
    private static async Task<T?> WhileReachableAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        try
        {
            return await probe();
        }
        catch (HttpRequestException)
        {
            return null;
        }
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

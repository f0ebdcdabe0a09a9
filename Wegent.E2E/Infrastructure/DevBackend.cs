using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Wegent.E2E.Infrastructure;

/// <summary>The dev backend (and, separately, its scripted model) as real uvicorn processes on free loopback ports.
/// The model runs on its own so the backend can be killed and restarted while an agent is mid-request.</summary>
public sealed class DevBackend : IAsyncDisposable
{
    /// <summary>The token every test executor uses, unless a test brings its own through WEGENT_DEV_TOKENS.</summary>
    public const string DefaultToken = "e2e-token";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("wegent-e2e-backend-");
    private readonly Dictionary<string, string?> _settings;
    private ManagedProcess? _backend;
    private ManagedProcess? _model;

    private DevBackend(Dictionary<string, string?> extraSettings)
    {
        Port = TestEnvironment.FreePort();
        ModelPort = TestEnvironment.FreePort();
        _settings = new Dictionary<string, string?>
        {
            ["WEGENT_DEV_DB"] = Path.Combine(_data.FullName, "dev.db"),
            ["WEGENT_DEV_TOKENS"] = DefaultToken,
            ["WEGENT_DEV_MODEL_URL"] = ModelUrl,
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        };
        foreach (var (key, value) in extraSettings) _settings[key] = value;
        Token = _settings["WEGENT_DEV_TOKENS"]!.Split(',')[0];
        Api = new BackendApi(new Uri(Url), Token);
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
        backend._model = StartUvicorn("model", "app.scripted_model:app", backend.ModelPort, backend._settings);
        await WaitHealthyAsync(backend._model, backend.ModelUrl + "/health");
        await backend.StartBackendAsync();
        return backend;
    }

    public async Task StartBackendAsync()
    {
        _backend = StartUvicorn("backend", "app.main:app", Port, _settings);
        await WaitHealthyAsync(_backend, Url + "/health");
    }

    /// <summary>SIGKILL: the backend gets no chance to close its sockets, like a crash.</summary>
    public async Task KillBackendAsync()
    {
        var backend = Process;
        backend.Signal(PosixSignalKind.Kill);
        await backend.WaitForExitAsync();
        await backend.DisposeAsync();
        _backend = null;
    }

    /// <summary>SIGSTOP / SIGCONT: the socket stays open but nothing is answered, like a hung server.</summary>
    public void Freeze() => Process.Signal(PosixSignalKind.Stop);

    public void Thaw() => Process.Signal(PosixSignalKind.Continue);

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            _backend.Signal(PosixSignalKind.Continue);
            await _backend.DisposeAsync();
        }

        if (_model is not null) await _model.DisposeAsync();
        Api.Dispose();
        _data.Delete(recursive: true);
    }

    private static ManagedProcess StartUvicorn(string name, string app, int port, Dictionary<string, string?> settings) =>
        ManagedProcess.Start(name, TestEnvironment.Python,
            ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "warning"],
            Path.Combine(TestEnvironment.RepositoryRoot, "backend"), settings);

    private static async Task WaitHealthyAsync(ManagedProcess process, string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TestEnvironment.DefaultTimeout;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{process.Name} exited during start-up:\n{process.Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(url));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{process.Name} did not become healthy at {url}:\n{process.Output}");
            await Task.Delay(50);
        }
    }
}

/// <summary>The dev backend's REST API, as the tests use it.</summary>
public sealed class BackendApi(Uri baseUrl, string token) : IDisposable
{
    private readonly HttpClient _http = new()
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

    public async Task<JsonObject> TaskAsync(long taskId) => (await GetAsync($"/api/tasks/{taskId}")).AsObject();

    public async Task<JsonObject> SubtaskAsync(long taskId, long subtaskId) =>
        (await TaskAsync(taskId))["subtasks"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["subtask_id"]!.GetValue<long>() == subtaskId);

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

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Wegent.Bench;

/// <summary>The dev backend (uvicorn) on a free loopback port, with its REST API; can be killed and started again.</summary>
internal sealed class DevBackendProcess : IAsyncDisposable
{
    public const string Token = "bench-token";

    private readonly string _repositoryRoot;
    private readonly string? _protocol;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("wegent-bench-backend-");
    private readonly HttpClient _http;
    private Process? _process;

    private DevBackendProcess(string repositoryRoot, string? protocol)
    {
        _repositoryRoot = repositoryRoot;
        _protocol = protocol;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("Authorization", "Bearer " + Token);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <param name="protocol">The result generation it speaks (WEGENT_DEV_PROTOCOL); null: its default.</param>
    public static async Task<DevBackendProcess> StartAsync(string repositoryRoot, string? protocol)
    {
        var backend = new DevBackendProcess(repositoryRoot, protocol);
        await backend.StartAgainAsync();
        return backend;
    }

    /// <summary>Starts uvicorn and returns once /health answers (Unix ms of that moment).</summary>
    public async Task<long> StartAgainAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/python3",
            ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "warning"])
        {
            WorkingDirectory = Path.Combine(_repositoryRoot, "backend"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["WEGENT_DEV_DB"] = Path.Combine(_data.FullName, "dev.db");
        start.Environment["WEGENT_DEV_TOKENS"] = Token;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        if (_protocol is not null) start.Environment["WEGENT_DEV_PROTOCOL"] = _protocol;
        _process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var response = await probe.GetAsync(new Uri(Url + "/health"));
                if (response.IsSuccessStatusCode) return Clock.NowMs();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The dev backend did not become healthy.");
    }

    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task<JsonArray> EventsSinceAsync(long since) =>
        (await _http.GetFromJsonAsync<JsonNode>(new Uri($"/api/events?since={since}", UriKind.Relative)))!.AsArray();

    public async Task<long> LastEventIdAsync() =>
        (await EventsSinceAsync(0)).LastOrDefault()?["id"]?.GetValue<long>() ?? 0;

    public async Task<JsonObject> TaskAsync(long taskId) =>
        (await _http.GetFromJsonAsync<JsonNode>(new Uri($"/api/tasks/{taskId}", UriKind.Relative)))!.AsObject();

    public async Task<(long TaskId, long SubtaskId)> CreateTaskAsync(string deviceId, string prompt)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("/api/tasks", UriKind.Relative), new JsonObject { ["prompt"] = prompt, ["device_id"] = deviceId });
        var body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/tasks: {body.ToJsonString()}");
        return (body["task_id"]!.GetValue<long>(), body["subtask_id"]!.GetValue<long>());
    }

    /// <summary>Polls the event history until an event matches; returns it.</summary>
    public async Task<JsonObject> WaitForEventAsync(long since, Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            foreach (var item in await EventsSinceAsync(since))
            {
                var entry = item!.AsObject();
                since = entry["id"]!.GetValue<long>();
                if (match(entry)) return entry;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("The awaited event did not arrive.");
    }

    public async Task<JsonObject> WaitForFinalAsync(long taskId, long subtaskId, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var task = await TaskAsync(taskId);
            var subtask = task["subtasks"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["subtask_id"]!.GetValue<long>() == subtaskId);
            if (subtask["status"]?.GetValue<string>() is "COMPLETED" or "FAILED" or "CANCELLED") return task;
            await Task.Delay(50);
        }

        throw new TimeoutException($"Task {taskId} did not finish.");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _http.Dispose();
        _data.Delete(recursive: true);
    }
}

internal static class Clock
{
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

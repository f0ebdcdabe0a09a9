// Dispatches a task to a local executor through the dev backend and follows it to the end. Works with either
// backend generation the dev backend speaks (WEGENT_DEV_PROTOCOL=responses|legacy): the REST view is the same.
// Usage: dotnet run scripts/test-local-executor.cs -- [--prompt P] [--backend-url U] [--token T] [--timeout S]
//                                                    [--scenario NAME] [--skip-dispatch]
// Exit codes: 0 the task completed (or, with --skip-dispatch, the backend answered), 1 anything else, 2 bad arguments.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

ScriptOptions options;
try
{
    options = ScriptOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine(ScriptOptions.Usage);
    return ExitCodes.BadArguments;
}

if (options.ShowHelp)
{
    Console.WriteLine(ScriptOptions.Usage);
    return ExitCodes.Success;
}

using var backend = new BackendClient(options.BackendUrl, options.Token);
try
{
    return await new ExecutorCheck(backend, options).RunAsync();
}
catch (HttpRequestException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return ExitCodes.Failure;
}
catch (TaskCanceledException)
{
    Console.Error.WriteLine($"error: the backend at {options.BackendUrl} did not answer in time");
    return ExitCodes.Failure;
}

static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadArguments = 2;
}

sealed record ScriptOptions(
    string Prompt, Uri BackendUrl, string Token, TimeSpan Timeout, bool SkipDispatch, string? Scenario, bool ShowHelp)
{
    private const string DefaultPrompt = "Write a Python file hello.py that prints Hello, World!";
    private const string DefaultBackendUrl = "http://127.0.0.1:8000";
    private const string DefaultToken = "test-token";
    private const int DefaultTimeoutSeconds = 60;

    public const string Usage = """
        Usage: dotnet run scripts/test-local-executor.cs -- [options]
          --prompt <text>        task prompt (default: a hello-world request)
          --backend-url <url>    dev backend base URL (default: $WEGENT_BACKEND_URL or http://127.0.0.1:8000)
          --token <token>        API token (default: $WEGENT_AUTH_TOKEN or test-token)
          --timeout <seconds>    how long to follow the task (default: 60)
          --scenario <name>      scripted model scenario, e.g. write-file, chunks:50, slow:20, echo
          --skip-dispatch        only check the backend and list devices
          -h, --help             show this help
        """;

    public static ScriptOptions Parse(string[] args)
    {
        var prompt = DefaultPrompt;
        var backendUrl = Environment.GetEnvironmentVariable("WEGENT_BACKEND_URL") is { Length: > 0 } envUrl
            ? envUrl : DefaultBackendUrl;
        var token = Environment.GetEnvironmentVariable("WEGENT_AUTH_TOKEN") is { Length: > 0 } envToken
            ? envToken : DefaultToken;
        var timeoutSeconds = (double)DefaultTimeoutSeconds;
        var skipDispatch = false;
        var showHelp = false;
        string? scenario = null;

        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--prompt": prompt = Value(); break;
                case "--backend-url": backendUrl = Value(); break;
                case "--token": token = Value(); break;
                case "--scenario": scenario = Value(); break;
                case "--skip-dispatch": skipDispatch = true; break;
                case "-h" or "--help": showHelp = true; break;
                case "--timeout":
                    var raw = Value();
                    if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out timeoutSeconds)
                        || timeoutSeconds <= 0)
                    {
                        throw new ArgumentException($"--timeout must be a positive number of seconds, not '{raw}'");
                    }
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        if (!Uri.TryCreate(backendUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--backend-url must be an http(s) URL, not '{backendUrl}'");
        }
        if (prompt.Trim().Length == 0)
        {
            throw new ArgumentException("--prompt must not be empty");
        }
        return new ScriptOptions(prompt, url, token, TimeSpan.FromSeconds(timeoutSeconds), skipDispatch, scenario, showHelp);
    }
}

/// <summary>The dev backend's REST API, as JSON nodes.</summary>
sealed class BackendClient : IDisposable
{
    private readonly HttpClient _http;

    public BackendClient(Uri baseUrl, string token)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Task<JsonNode?> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<JsonNode?> PostAsync(string path, JsonObject body) => SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    });

    private async Task<JsonNode?> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
            }
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Checks the backend, lists devices, dispatches one task and follows it until it ends.</summary>
sealed class ExecutorCheck(BackendClient backend, ScriptOptions options)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);
    private static readonly string[] FinalStatuses = ["COMPLETED", "FAILED", "CANCELLED"];
    // History notes that mean the executor got something wrong (see backend/README.md).
    private static readonly string[] BugSignals =
    [
        "protocol_violation", "stream_mismatch", "delta_offset_seen", "delta_offset_gap", "delta_after_terminal",
        "terminal_after_terminal", "unknown_event", "unknown_subtask",
    ];

    public async Task<int> RunAsync()
    {
        var root = await backend.GetAsync("/");
        Console.WriteLine($"Backend: {root?["name"]} {root?["version"]} at {options.BackendUrl}, "
            + $"speaking {root?["protocol"] ?? "legacy"} results");

        var devices = (await backend.GetAsync("/api/devices"))?.AsArray() ?? [];
        Console.WriteLine($"Devices ({devices.Count}):");
        foreach (var device in devices)
        {
            Console.WriteLine($"  {device?["device_id"]} \"{device?["name"]}\" {device?["status"]}, "
                + $"connected={device?["connected"]}, version {device?["executor_version"]}, "
                + $"running {device?["running_task_ids"]?.ToJsonString()}");
        }
        if (options.SkipDispatch)
        {
            return ExitCodes.Success;
        }

        var request = new JsonObject { ["prompt"] = options.Prompt };
        if (options.Scenario is not null)
        {
            request["scenario"] = options.Scenario;
        }
        var ids = await backend.PostAsync("/api/tasks", request);
        var taskId = ids?["task_id"]?.GetValue<int>() ?? throw new HttpRequestException("no task_id in the answer");
        var subtaskId = ids["subtask_id"]?.GetValue<int>();
        Console.WriteLine($"Dispatched task {taskId} (subtask {subtaskId}) to device {ids["device_id"]}");
        return await FollowAsync(taskId, subtaskId);
    }

    private async Task<int> FollowAsync(int taskId, int? subtaskId)
    {
        var clock = Stopwatch.StartNew();
        var printer = new ProgressPrinter(clock);
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            var task = await backend.GetAsync($"/api/tasks/{taskId}");
            var subtask = task?["subtasks"]?.AsArray().LastOrDefault(s => s?["subtask_id"]?.GetValue<int>() == subtaskId);
            if (subtask is null)
            {
                continue;
            }
            printer.Show(subtask);
            var status = subtask["status"]?.GetValue<string>();
            if (status is not null && FinalStatuses.Contains(status))
            {
                printer.EndLine();
                return Verdict(task!, subtask, status, clock.Elapsed);
            }
        }
        while (clock.Elapsed < options.Timeout && await timer.WaitForNextTickAsync());

        printer.EndLine();
        Console.Error.WriteLine($"Timed out after {options.Timeout.TotalSeconds:0.#} s waiting for task {taskId}");
        return ExitCodes.Failure;
    }

    private static int Verdict(JsonNode task, JsonNode subtask, string status, TimeSpan elapsed)
    {
        Console.WriteLine($"Result: {status} after {elapsed.TotalSeconds:0.0} s");
        if (subtask["error_message"]?.GetValue<string>() is { } error)
        {
            Console.WriteLine($"Error: {error}");
        }
        if (subtask["result"]?["blocks"]?.AsArray() is { Count: > 0 } blocks)
        {
            var kinds = blocks.GroupBy(b => b?["type"]?.GetValue<string>() ?? "?").Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine($"Blocks: {string.Join(", ", kinds)}");
        }

        var problems = new List<string>();
        var finalValue = subtask["result"]?["value"]?.GetValue<string>() ?? "";
        if (subtask["streamed_text"]?.GetValue<string>() != finalValue)
        {
            problems.Add("the text streamed to the user differs from the final result value");
        }
        foreach (var entry in task["events"]?.AsArray() ?? [])
        {
            if (entry?["event"]?.GetValue<string>() is { } name && BugSignals.Contains(name))
            {
                problems.Add($"{name}: {entry["payload"]?.ToJsonString()}");
            }
        }
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"Problem: {problem}");
        }
        return status == "COMPLETED" && problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}

/// <summary>Prints progress changes on their own lines and streamed text as it grows.</summary>
sealed class ProgressPrinter(Stopwatch clock)
{
    private string _lastState = "";
    private int _printedLength;
    private bool _midLine;

    public void Show(JsonNode subtask)
    {
        // Text first: a poll that sees the last text and the final status prints them in that order.
        var streamed = subtask["streamed_text"]?.GetValue<string>() ?? "";
        if (streamed.Length > _printedLength)
        {
            var added = streamed[_printedLength..];
            Console.Write(added);
            _printedLength = streamed.Length;
            _midLine = !added.EndsWith('\n');
        }

        var state = $"{subtask["status"]} {subtask["progress"]}% {subtask["message"]}".TrimEnd();
        if (state != _lastState)
        {
            _lastState = state;
            EndLine();
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {state}");
        }
    }

    public void EndLine()
    {
        if (_midLine)
        {
            Console.WriteLine();
            _midLine = false;
        }
    }
}

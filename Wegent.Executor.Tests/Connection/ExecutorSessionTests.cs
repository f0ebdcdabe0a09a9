using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection;

/// <summary>The session on fake time against scripted connections: each test advances the clock only while it waits for
/// what the session should do next. Each run a test starts is stopped and awaited when the test ends, as the host stops it.</summary>
public sealed class ExecutorSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TestLog _log = new();
    private readonly RecordingHandler _handler = new();
    private Task? _run;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Cancelling ends the run without an error, whatever it was doing (connected, or waiting to reconnect).</summary>
    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null) await _run.WaitAsync(Wait.DefaultTimeout);
        _stop.Dispose();
    }

    internal static DeviceRegistration Registration { get; } = new("dev-1", "Linux - host", "0.1.0", ["claude_code"], "runtime-0123456789abcdef01234567");

    /// <summary>Starts a run that lasts until the test ends.</summary>
    private void Start(ExecutorSession session) => _run = session.RunAsync(_handler, _stop.Token);

    private ExecutorSession Create(FakeSocketIoFactory factory, string token = "tok") =>
        new(factory, new ExecutorSessionOptions
        {
            BackendUrl = new Uri("http://127.0.0.1:1"),
            Token = token,
            HeartbeatInterval = HeartbeatInterval,
            HeartbeatTimeout = TimeSpan.FromSeconds(90),
            ReconnectDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(30),
            MaxConcurrentTasks = 4,
            Random = new Random(7),
            ConnectionFailureHelp = error => "HELP " + error,
        }, Registration, _time, _log.Logger);

    /// <summary>Moves the fake clock on, a step at a time, until the session has done what <paramref name="condition"/> expects.</summary>
    private Task AdvanceUntilAsync(Func<bool> condition, string what, double stepSeconds = 1) =>
        Wait.UntilAsync(() =>
        {
            if (condition()) return true;
            _time.Advance(TimeSpan.FromSeconds(stepSeconds));
            return false;
        }, what);

    private static int Count(FakeSocketIoConnection connection, string eventName) => connection.Calls.Count(c => c.Event == eventName);

    private static Task<JsonNode?> Answer(JsonNode? answer) => Task.FromResult(answer);

    private static JsonObject Success() => new() { ["success"] = true };

    private static JsonObject Error(string error) => new() { ["error"] = error };

    private int LinesStartingWith(string start) => _log.Lines.Count(line => line.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public async Task Registers_then_probes_then_heartbeats_with_the_running_tasks_and_a_valid_capacity()
    {
        var connection = new FakeSocketIoConnection();
        var factory = new FakeSocketIoFactory(_ => connection);
        var session = Create(factory);
        _handler.Running = [7, 9];
        _handler.Queued = 2;

        Start(session);
        await Wait.UntilAsync(() => Count(connection, KnownEvents.DeviceHeartbeat) == 1, "the first heartbeat, right after registering");
        await AdvanceUntilAsync(() => Count(connection, KnownEvents.DeviceHeartbeat) == 2, "the next heartbeat one interval later", stepSeconds: 5);

        var calls = connection.Calls.ToArray();
        Assert.Equal([KnownEvents.DeviceRegister, ResultProtocolProbe.EventName, KnownEvents.DeviceHeartbeat, KnownEvents.DeviceHeartbeat], calls.Select(c => c.Event));
        var register = calls[0].Payload!.AsObject();
        Assert.Equal("dev-1", register["device_id"]!.GetValue<string>());
        Assert.Equal("Linux - host", register["name"]!.GetValue<string>());
        Assert.Equal("local", register["device_type"]!.GetValue<string>());
        Assert.Equal("claudecode", register["bind_shell"]!.GetValue<string>());
        Assert.Equal(["claude_code"], register["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("0.1.0", register["executor_version"]!.GetValue<string>());
        Assert.Equal(Registration.RuntimeInstanceId, register["runtime_instance_id"]!.GetValue<string>());
        Assert.Equal("{}", calls[1].Payload!.ToJsonString());
        Assert.Equal(
            """{"device_id":"dev-1","running_task_ids":[7,9],"runtime_instance_id":"runtime-0123456789abcdef01234567","runtime_capacity":{"limit":4,"active":2,"active_task_ids":["7","9"],"queued":2}}""",
            calls[2].Payload!.ToJsonString());
        Assert.True(session.IsReady);
        Assert.Equal("tok", factory.LastOptions!.Auth!["token"]!.GetValue<string>());
        Assert.Equal(KnownEvents.Namespace, factory.LastOptions.Namespace);
    }

    [Fact]
    public async Task A_personal_API_key_is_sent_as_the_token_unchanged()
    {
        var factory = new FakeSocketIoFactory(_ => new FakeSocketIoConnection());
        var session = Create(factory, token: "wg-3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e");

        Start(session);

        await Wait.UntilAsync(() => session.IsReady, "registration");
        Assert.Equal("wg-3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e", factory.LastOptions!.Auth!["token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Device ID mismatch")]
    [InlineData("Runtime instance ID mismatch")]
    public async Task Registers_again_on_the_same_connection_when_the_backend_no_longer_knows_it(string error)
    {
        var heartbeats = 0;
        var connection = new FakeSocketIoConnection
        {
            OnCall = (name, _) => Answer(name == KnownEvents.DeviceHeartbeat && ++heartbeats == 1 ? Error(error) : Success()),
        };
        var factory = new FakeSocketIoFactory(_ => connection);
        Start(Create(factory));

        await Wait.UntilAsync(() => Count(connection, KnownEvents.DeviceRegister) == 2 && Count(connection, KnownEvents.DeviceHeartbeat) >= 2,
            "a second registration and a heartbeat after it");
        Assert.Single(factory.Created);
        Assert.Equal(2, Count(connection, ResultProtocolProbe.EventName));
    }

    [Fact]
    public async Task A_stale_connection_is_dropped_and_the_device_registers_on_a_new_one()
    {
        var first = new FakeSocketIoConnection
        {
            OnCall = (name, _) => Answer(name == KnownEvents.DeviceHeartbeat ? Error("Stale device connection") : Success()),
        };
        var second = new FakeSocketIoConnection();
        var factory = new FakeSocketIoFactory(n => n == 0 ? first : second);
        Start(Create(factory));

        await AdvanceUntilAsync(() => Count(second, KnownEvents.DeviceHeartbeat) == 1, "a heartbeat on a new connection");

        Assert.True(first.Disposed);
        Assert.Equal(1, Count(first, KnownEvents.DeviceRegister));
        Assert.Equal(1, Count(second, KnownEvents.DeviceRegister));
        Assert.Equal(1, LinesStartingWith("Warning: Another connection registered device dev-1 after this one"));
        Assert.Equal(0, LinesStartingWith("Error:"));
    }

    [Fact]
    public async Task Staleness_again_and_again_is_one_error_naming_two_executors_with_one_device_id()
    {
        var factory = new FakeSocketIoFactory(n => new FakeSocketIoConnection
        {
            OnCall = (name, _) => Answer(name == KnownEvents.DeviceHeartbeat && n < 4 ? Error("Stale device connection") : Success()),
        });
        Start(Create(factory));

        await AdvanceUntilAsync(() => factory.Created.Count == 5 && Count(factory.Created[4], KnownEvents.DeviceHeartbeat) == 1,
            "a fifth connection whose heartbeat is accepted");

        var error = Assert.Single(_log.Lines, line => line.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains("two executors run with the same device id", error, StringComparison.Ordinal);
        Assert.Contains("device_id file", error, StringComparison.Ordinal);
        Assert.Equal(3, LinesStartingWith("Warning: Another connection registered device dev-1"));
    }

    [Fact]
    public async Task A_heartbeat_answered_not_authenticated_reconnects()
    {
        var first = new FakeSocketIoConnection
        {
            OnCall = (name, _) => Answer(name == KnownEvents.DeviceHeartbeat ? Error("Not authenticated") : Success()),
        };
        var second = new FakeSocketIoConnection();
        Start(Create(new FakeSocketIoFactory(n => n == 0 ? first : second)));

        await AdvanceUntilAsync(() => Count(second, KnownEvents.DeviceRegister) == 1, "registration on a new connection");

        Assert.True(first.Disposed);
        Assert.Contains(_log.Lines, line => line.Contains("(Not authenticated)); reconnecting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconnects_when_heartbeats_go_unanswered_for_the_heartbeat_timeout()
    {
        var first = new FakeSocketIoConnection
        {
            OnCall = (name, _) => name == KnownEvents.DeviceHeartbeat ? Task.FromException<JsonNode?>(new TimeoutException("no ack")) : Answer(Success()),
        };
        var second = new FakeSocketIoConnection();
        Start(Create(new FakeSocketIoFactory(n => n == 0 ? first : second)));

        await AdvanceUntilAsync(() => Count(second, KnownEvents.DeviceRegister) == 1, "registration on a new connection", stepSeconds: 5);

        Assert.True(first.Disposed);
        // At 0, 30 and 60 s; at 90 s the first unanswered one is 90 s old.
        Assert.Equal(3, Count(first, KnownEvents.DeviceHeartbeat));
        Assert.Contains(_log.Lines, line => line.Contains("no heartbeat acknowledged for 90 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconnects_and_registers_again_after_the_server_closes_the_session()
    {
        var first = new FakeSocketIoConnection();
        var second = new FakeSocketIoConnection();
        var session = Create(new FakeSocketIoFactory(n => n == 0 ? first : second));
        var registrations = 0;
        session.Registered += () => Interlocked.Increment(ref registrations);
        Start(session);
        await Wait.UntilAsync(() => registrations == 1, "the first registration");

        first.Close("server closed");

        await AdvanceUntilAsync(() => registrations == 2, "registration after reconnect", stepSeconds: 0.5);
        Assert.Contains(_log.Lines, line => line.Contains("server closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keeps_retrying_when_the_backend_is_not_up_yet_and_shows_the_troubleshooting_text_once()
    {
        var factory = new FakeSocketIoFactory(n => new FakeSocketIoConnection
        {
            OnConnect = _ => n < 3 ? Task.FromException(new System.Net.WebSockets.WebSocketException("Connection refused")) : Task.CompletedTask,
        });
        var session = Create(factory);

        Start(session);

        await AdvanceUntilAsync(() => session.IsReady, "registration once the backend is up", stepSeconds: 0.5);
        Assert.Equal(4, factory.Created.Count);
        Assert.Equal(1, LinesStartingWith("Error: HELP Connection refused"));
        Assert.Equal(2, LinesStartingWith("Error: Failed to connect to Backend WebSocket: Connection refused"));
    }

    [Theory]
    [InlineData("Invalid or expired token", "get a new token from this Wegent backend")]
    [InlineData("Invalid or expired API key", "create a personal API key (wg-...)")]
    [InlineData("Missing authentication token", "set WEGENT_AUTH_TOKEN")]
    public async Task A_refused_token_ends_the_run_at_once_naming_the_cause_and_the_fix(string serverMessage, string fix)
    {
        var factory = new FakeSocketIoFactory(_ => new FakeSocketIoConnection
        {
            OnConnect = _ => Task.FromException(new SocketIoConnectRefusedException(serverMessage)),
        });

        var error = await Assert.ThrowsAsync<BackendRefusedException>(() => Create(factory).RunAsync(_handler, _stop.Token));

        Assert.StartsWith($"The backend refused the connection ({serverMessage}): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: " + fix, error.Message, StringComparison.Ordinal);
        Assert.Single(factory.Created);
    }

    [Theory]
    [InlineData("Server is shutting down")]
    [InlineData("Authentication service unavailable")]
    [InlineData("Client disconnected during connection setup")]
    public async Task A_temporary_refusal_is_retried_with_backoff_and_never_counts_toward_giving_up(string serverMessage)
    {
        var factory = new FakeSocketIoFactory(n => new FakeSocketIoConnection
        {
            OnConnect = _ => n < 5 ? Task.FromException(new SocketIoConnectRefusedException(serverMessage)) : Task.CompletedTask,
        });
        var session = Create(factory);

        Start(session);

        await AdvanceUntilAsync(() => session.IsReady || _run!.IsCompleted, "registration after five refusals", stepSeconds: 0.5);
        Assert.True(session.IsReady);
        Assert.Equal(5, LinesStartingWith($"Warning: The backend refused the connection ({serverMessage}): "));
        Assert.Equal(0, LinesStartingWith("Error:"));
    }

    [Fact]
    public async Task After_a_rate_limit_refusal_the_next_attempt_waits_at_least_thirty_seconds()
    {
        var factory = new FakeSocketIoFactory(n => new FakeSocketIoConnection
        {
            OnConnect = _ => n == 0 ? Task.FromException(new SocketIoConnectRefusedException("Too many device connection attempts")) : Task.CompletedTask,
        });
        var session = Create(factory);
        Start(session);

        var wait = await Wait.ForValueAsync(
            () => _log.Lines.FirstOrDefault(line => line.StartsWith("Information: Next connection attempt in", StringComparison.Ordinal)),
            "the wait after the refusal");
        var seconds = double.Parse(Regex.Match(wait, @"in ([0-9.,]+) s").Groups[1].Value.Replace(',', '.'), CultureInfo.InvariantCulture);

        Assert.InRange(seconds, 30, 36);
        Assert.Equal(1, LinesStartingWith("Warning: The backend refused the connection (Too many device connection attempts): "));
        await AdvanceUntilAsync(() => session.IsReady, "the attempt after the wait");
        Assert.Equal(2, factory.Created.Count);
    }

    [Fact]
    public async Task A_generic_refusal_or_silence_is_retried_and_ends_the_run_after_three_in_a_row()
    {
        var factory = new FakeSocketIoFactory(n => new FakeSocketIoConnection
        {
            OnConnect = _ => n % 2 == 0
                ? Task.FromException(new SocketIoConnectRefusedException("Connection refused by server"))
                : Task.FromException(new TimeoutException("no namespace answer")),
        });

        var run = Create(factory).RunAsync(_handler, _stop.Token);
        await AdvanceUntilAsync(() => run.IsCompleted, "the run to give up", stepSeconds: 0.5);

        var error = await Assert.ThrowsAsync<BackendRefusedException>(() => run);
        Assert.Equal(3, factory.Created.Count);
        Assert.Contains("invalid or expired", error.Message, StringComparison.Ordinal);
        Assert.Contains("shutting down", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, LinesStartingWith("Error: The backend refused the connection (Connection refused by server)")
            + LinesStartingWith("Error: The backend did not answer the namespace connect"));
    }

    [Theory]
    [InlineData("""{"error":"Missing task_id or subtask_id"}""", ResultProtocol.Responses, "Information: Backend speaks Responses-API results")]
    [InlineData(null, ResultProtocol.Legacy, "Information: Backend speaks task:progress results")]
    public async Task The_probe_after_registering_tells_which_results_the_backend_takes(string? answer, ResultProtocol expected, string logged)
    {
        var connection = new FakeSocketIoConnection
        {
            OnCall = (name, _) => Answer(name == ResultProtocolProbe.EventName ? (answer is null ? null : JsonNode.Parse(answer)) : Success()),
        };
        var session = Create(new FakeSocketIoFactory(_ => connection));

        Start(session);
        await session.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(expected, session.ProbedResultProtocol);
        Assert.Equal(1, LinesStartingWith(logged));
    }

    [Fact]
    public async Task Readiness_waits_for_the_probe_s_answer()
    {
        var probe = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = new FakeSocketIoConnection
        {
            OnCall = (name, _) => name == ResultProtocolProbe.EventName ? probe.Task : Answer(Success()),
        };
        var session = Create(new FakeSocketIoFactory(_ => connection));
        Start(session);
        await Wait.UntilAsync(() => Count(connection, ResultProtocolProbe.EventName) == 1, "the probe");

        var ready = session.WaitUntilReadyAsync(CancellationToken.None);
        Assert.False(ready.IsCompleted);
        Assert.False(session.IsReady);
        Assert.Equal(0, Count(connection, KnownEvents.DeviceHeartbeat));

        probe.SetResult(null);

        await ready.WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(ResultProtocol.Legacy, session.ProbedResultProtocol);
    }

    [Fact]
    public async Task Without_an_answer_the_verdict_is_unknown_or_stays_what_this_connection_said_before()
    {
        var probes = 0;
        var heartbeats = 0;
        var connection = new FakeSocketIoConnection
        {
            OnCall = (name, _) => name switch
            {
                ResultProtocolProbe.EventName when ++probes == 1 => Answer(null),
                ResultProtocolProbe.EventName => Task.FromException<JsonNode?>(new TimeoutException("no ack")),
                KnownEvents.DeviceHeartbeat when ++heartbeats == 1 => Answer(Error("Device ID mismatch")),
                _ => Answer(Success()),
            },
        };
        var silent = new FakeSocketIoConnection
        {
            OnCall = (name, _) => name == ResultProtocolProbe.EventName ? Task.FromException<JsonNode?>(new TimeoutException("no ack")) : Answer(Success()),
        };
        var session = Create(new FakeSocketIoFactory(n => n == 0 ? connection : silent));
        Start(session);

        await Wait.UntilAsync(() => probes == 2 && heartbeats == 2, "a second registration and probe on the same connection");
        Assert.Equal(ResultProtocol.Legacy, session.ProbedResultProtocol);

        connection.Close("server closed");
        await AdvanceUntilAsync(() => Count(silent, KnownEvents.DeviceHeartbeat) == 1, "registration on a new connection", stepSeconds: 0.5);

        Assert.Null(session.ProbedResultProtocol);
        Assert.Equal(1, LinesStartingWith("Information: Backend speaks task:progress results"));
        Assert.Equal(1, LinesStartingWith("Warning: The backend did not answer the result-protocol probe"));
    }

    [Fact]
    public async Task The_verdict_is_logged_again_only_when_a_new_connection_changes_it()
    {
        JsonNode? responses = Error("Missing task_id or subtask_id");
        JsonNode?[] answers = [null, responses, responses.DeepClone()];
        var connections = answers.Select(answer => new FakeSocketIoConnection
        {
            OnCall = (name, _) => Answer(name == ResultProtocolProbe.EventName ? answer?.DeepClone() : Success()),
        }).ToArray();
        var session = Create(new FakeSocketIoFactory(n => connections[n]));
        Start(session);

        foreach (var (connection, expected) in connections.Zip([ResultProtocol.Legacy, ResultProtocol.Responses, ResultProtocol.Responses]))
        {
            await AdvanceUntilAsync(() => Count(connection, KnownEvents.DeviceHeartbeat) == 1, "a registered connection", stepSeconds: 0.5);
            Assert.Equal(expected, session.ProbedResultProtocol);
            connection.Close("backend restarted");
        }

        Assert.Equal(1, LinesStartingWith("Information: Backend speaks task:progress results"));
        Assert.Equal(1, LinesStartingWith("Information: Backend speaks Responses-API results"));
    }

    [Fact]
    public async Task Hands_server_events_and_calls_to_the_handler_in_order_and_answers_a_call_the_handler_failed_on()
    {
        var connection = new FakeSocketIoConnection();
        Start(Create(new FakeSocketIoFactory(_ => connection)));
        await Wait.UntilAsync(() => Count(connection, KnownEvents.DeviceRegister) == 1, "registration");

        connection.ServerEmits("boom", null);
        connection.ServerEmits(KnownEvents.TaskExecute, new JsonObject { ["n"] = 1 });
        var answered = connection.ServerCalls(KnownDeviceCalls.SyncCapabilities, new JsonObject());
        var failed = connection.ServerCalls("boom", null);

        Assert.Equal("answered device:sync_capabilities", (await answered.WaitAsync(Wait.DefaultTimeout))!["note"]!.GetValue<string>());
        var failure = (await failed.WaitAsync(Wait.DefaultTimeout))!.AsObject();
        Assert.False(failure["success"]!.GetValue<bool>());
        Assert.Contains("boom", failure["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["boom", KnownEvents.TaskExecute, KnownDeviceCalls.SyncCapabilities, "boom"], _handler.Received.Select(r => r.Name));
        Assert.Equal([false, false, true, true], _handler.Received.Select(r => r.WasCall));
        Assert.Equal(2, _log.Lines.Count(line => line.Contains("Handling boom failed", StringComparison.Ordinal)));
    }

    private sealed class RecordingHandler : IBackendEventHandler
    {
        public ConcurrentQueue<(string Name, JsonNode? Payload, bool WasCall)> Received { get; } = new();

        public IReadOnlyList<long> RunningTaskIds => Running;

        public IReadOnlyList<long> Running { get; set; } = [];

        public int QueuedCount => Queued;

        public int Queued { get; set; }

        public void Handle(string eventName, JsonNode? payload, BackendCallReply? reply = null)
        {
            Received.Enqueue((eventName, payload, reply is not null));
            if (eventName == "boom") throw new InvalidOperationException("handler failure");
            _ = reply?.SendAsync(new JsonObject { ["note"] = $"answered {eventName}" });
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection;

public sealed class ExecutorSessionTests : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TestLog _log = new();
    private readonly RecordingHandler _handler = new();

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private ExecutorSession Create(FakeSocketIoFactory factory, TimeSpan? heartbeatInterval = null, TimeSpan? heartbeatTimeout = null) =>
        new(factory, new ExecutorSessionSettings
        {
            BackendUrl = new Uri("http://127.0.0.1:1"),
            Token = "tok",
            HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromMilliseconds(20),
            HeartbeatTimeout = heartbeatTimeout ?? TimeSpan.FromSeconds(30),
            ReconnectDelay = TimeSpan.FromMilliseconds(5),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(20),
            ConnectionFailureHelp = error => "HELP " + error,
        }, new DeviceRegistration("dev-1", "Linux - host", "0.1.0", ["claude_code"]), TimeProvider.System, _log.Logger);

    private static int Count(FakeSocketIoConnection connection, string eventName) => connection.Calls.Count(c => c.Event == eventName);

    [Fact]
    public async Task Registers_first_then_heartbeats_with_the_running_task_ids()
    {
        var connection = new FakeSocketIoConnection();
        var factory = new FakeSocketIoFactory(_ => connection);
        var session = Create(factory);
        _handler.Running = [7, 9];

        _ = session.RunAsync(_handler, _stop.Token);
        await Wait.UntilAsync(() => Count(connection, KnownEvents.DeviceHeartbeat) >= 2, "two heartbeats");

        var calls = connection.Calls.ToArray();
        Assert.Equal(KnownEvents.DeviceRegister, calls[0].Event);
        Assert.Equal("dev-1", calls[0].Payload!["device_id"]!.GetValue<string>());
        Assert.Equal(["claude_code"], calls[0].Payload!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal([7L, 9L], calls[1].Payload!["running_task_ids"]!.AsArray().Select(i => i!.GetValue<long>()));
        Assert.True(session.IsReady);
        Assert.Equal("tok", factory.LastOptions!.Auth!["token"]!.GetValue<string>());
        Assert.Equal(KnownEvents.Namespace, factory.LastOptions.Namespace);
    }

    [Fact]
    public async Task Registers_again_when_the_backend_says_the_device_id_does_not_match()
    {
        var heartbeats = 0;
        var connection = new FakeSocketIoConnection
        {
            OnCall = (name, _) => Task.FromResult<JsonNode?>(name == KnownEvents.DeviceHeartbeat && ++heartbeats == 1
                ? new JsonObject { ["error"] = "Device ID mismatch" }
                : new JsonObject { ["success"] = true }),
        };
        _ = Create(new FakeSocketIoFactory(_ => connection)).RunAsync(_handler, _stop.Token);

        await Wait.UntilAsync(() => Count(connection, KnownEvents.DeviceRegister) == 2 && Count(connection, KnownEvents.DeviceHeartbeat) >= 2,
            "a second registration and a heartbeat after it");
    }

    [Fact]
    public async Task Reconnects_when_heartbeats_go_unanswered_for_the_heartbeat_timeout()
    {
        var first = new FakeSocketIoConnection
        {
            OnCall = (name, _) => name == KnownEvents.DeviceHeartbeat
                ? Task.FromException<JsonNode?>(new TimeoutException("no ack"))
                : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true }),
        };
        var second = new FakeSocketIoConnection();
        var factory = new FakeSocketIoFactory(n => n == 0 ? first : second);

        _ = Create(factory, heartbeatTimeout: TimeSpan.FromMilliseconds(200)).RunAsync(_handler, _stop.Token);

        await Wait.UntilAsync(() => Count(second, KnownEvents.DeviceRegister) == 1, "registration on a new connection");
        Assert.True(first.Disposed);
        Assert.Contains(_log.Lines, line => line.Contains("no heartbeat acknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconnects_and_registers_again_after_the_server_closes_the_session()
    {
        var first = new FakeSocketIoConnection();
        var second = new FakeSocketIoConnection();
        var factory = new FakeSocketIoFactory(n => n == 0 ? first : second);
        var session = Create(factory);
        var registrations = 0;
        session.Registered += () => Interlocked.Increment(ref registrations);
        _ = session.RunAsync(_handler, _stop.Token);
        await Wait.UntilAsync(() => registrations == 1, "the first registration");

        first.Close("server closed");

        await Wait.UntilAsync(() => registrations == 2, "registration after reconnect");
        Assert.Contains(_log.Lines, line => line.Contains("server closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keeps_retrying_when_the_backend_is_not_up_yet()
    {
        var factory = new FakeSocketIoFactory(n => new FakeSocketIoConnection
        {
            OnConnect = _ => n < 3 ? Task.FromException(new System.Net.WebSockets.WebSocketException("Connection refused")) : Task.CompletedTask,
        });
        var session = Create(factory);

        _ = session.RunAsync(_handler, _stop.Token);

        await Wait.UntilAsync(() => session.IsReady, "registration once the backend is up");
        Assert.Equal(4, factory.Created.Count);
        Assert.Single(_log.Lines, line => line.StartsWith("Error: HELP Connection refused", StringComparison.Ordinal));
        Assert.Equal(2, _log.Lines.Count(line => line.StartsWith("Error: Failed to connect to Backend WebSocket: Connection refused", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_refused_token_ends_the_run_at_once()
    {
        var factory = new FakeSocketIoFactory(_ => new FakeSocketIoConnection
        {
            OnConnect = _ => Task.FromException(new SocketIoConnectRefusedException("Invalid or expired token")),
        });

        var error = await Assert.ThrowsAsync<BackendRefusedException>(() => Create(factory).RunAsync(_handler, _stop.Token));

        Assert.Contains("Invalid or expired token", error.Message, StringComparison.Ordinal);
        Assert.Single(factory.Created);
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

        var error = await Assert.ThrowsAsync<BackendRefusedException>(() => Create(factory).RunAsync(_handler, _stop.Token));

        Assert.Equal(3, factory.Created.Count);
        Assert.Contains("invalid or expired", error.Message, StringComparison.Ordinal);
        Assert.Contains("shutting down", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hands_server_events_to_the_handler_in_order_and_survives_a_failing_handler()
    {
        var connection = new FakeSocketIoConnection();
        _ = Create(new FakeSocketIoFactory(_ => connection)).RunAsync(_handler, _stop.Token);
        await Wait.UntilAsync(() => Count(connection, KnownEvents.DeviceRegister) == 1, "registration");

        connection.ServerEmits("boom", null);
        connection.ServerEmits(KnownEvents.TaskExecute, new JsonObject { ["n"] = 1 });
        connection.ServerEmits(KnownEvents.TaskCancel, new JsonObject { ["n"] = 2 });

        await Wait.UntilAsync(() => _handler.Received.Count == 3, "three events");
        Assert.Equal(["boom", KnownEvents.TaskExecute, KnownEvents.TaskCancel], _handler.Received.Select(r => r.Name));
        Assert.Contains(_log.Lines, line => line.Contains("Handling boom failed", StringComparison.Ordinal));
    }

    private sealed class RecordingHandler : IBackendEventHandler
    {
        public ConcurrentQueue<(string Name, JsonNode? Payload)> Received { get; } = new();

        public IReadOnlyList<long> RunningTaskIds => Running;

        public IReadOnlyList<long> Running { get; set; } = [];

        public void Handle(string eventName, JsonNode? payload)
        {
            Received.Enqueue((eventName, payload));
            if (eventName == "boom") throw new InvalidOperationException("handler failure");
        }
    }
}

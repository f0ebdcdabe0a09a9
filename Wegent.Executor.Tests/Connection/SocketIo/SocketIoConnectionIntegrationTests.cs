using System.Diagnostics;
using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;

using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection.SocketIo;

/// <summary>One python-socketio server shared by the tests of a class that do not break it.</summary>
public sealed class SharedPythonServer : IAsyncLifetime
{
    private PythonSocketIoServer? _server;

    internal PythonSocketIoServer Server => _server ?? throw new InvalidOperationException(PythonSocketIoServer.UnavailableReason);

    public async Task InitializeAsync()
    {
        if (PythonSocketIoServer.UnavailableReason is null)
        {
            _server = await PythonSocketIoServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The client against a real python-socketio 5 server (the backend's library).</summary>
public sealed class SocketIoConnectionIntegrationTests(SharedPythonServer shared) : IClassFixture<SharedPythonServer>
{
    private const string Namespace = "/local-executor";
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);

    [PythonSocketIoFact]
    public async Task Connect_joins_the_namespace_so_an_immediate_call_is_answered()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);

        var answer = await connection.CallAsync("echo", new JsonObject { ["text"] = "grüße 你好" }, AckTimeout, CancellationToken.None);

        Assert.Equal("grüße 你好", answer?["text"]?.GetValue<string>());
    }

    [PythonSocketIoFact]
    public async Task Connect_with_a_bad_token_is_refused_with_the_server_message()
    {
        await using var connection = new SocketIoConnection(Options(shared.Server.BaseUrl, "wrong"));

        var refused = await Assert.ThrowsAsync<SocketIoConnectRefusedException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal("Invalid or expired token", refused.ServerMessage);
        await connection.Closed.WaitAsync(Wait.DefaultTimeout);
    }

    [PythonSocketIoFact]
    public async Task Connect_without_a_namespace_answer_times_out_and_closes()
    {
        // python-socketio 5.7 never answers when the connect handler raises Python's built-in ConnectionRefusedError.
        var options = Options(shared.Server.BaseUrl, "silent") with { ConnectTimeout = TimeSpan.FromSeconds(1) };
        await using var connection = new SocketIoConnection(options);
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Contains("namespace connect", await connection.Closed.WaitAsync(Wait.DefaultTimeout), StringComparison.Ordinal);
    }

    [PythonSocketIoFact]
    public async Task Connect_honours_cancellation()
    {
        await using var connection = new SocketIoConnection(Options(shared.Server.BaseUrl, "silent"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.ConnectAsync(cancel.Token));

        await connection.Closed.WaitAsync(Wait.DefaultTimeout);
    }

    [PythonSocketIoFact]
    public async Task Two_hundred_concurrent_calls_each_get_their_own_answer()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);

        var calls = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var answer = await connection.CallAsync("echo", new JsonObject { ["i"] = i }, AckTimeout, CancellationToken.None);
            return (Sent: i, Received: answer?["i"]?.GetValue<int>());
        }));
        var results = await Task.WhenAll(calls).WaitAsync(Wait.DefaultTimeout);

        Assert.All(results, result => Assert.Equal(result.Sent, result.Received));
        Assert.Equal(0, connection.PendingCallCount);
    }

    [PythonSocketIoFact]
    public async Task Ack_timeout_removes_the_pending_call_and_the_connection_stays_usable()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);

        await Assert.ThrowsAsync<TimeoutException>(() => connection.CallAsync(
            "slow_ack", new JsonObject { ["seconds"] = 2 }, TimeSpan.FromMilliseconds(200), CancellationToken.None));

        Assert.Equal(0, connection.PendingCallCount);
        var answer = await connection.CallAsync("echo", new JsonObject { ["after"] = true }, AckTimeout, CancellationToken.None);
        Assert.True(answer?["after"]?.GetValue<bool>());
    }

    [PythonSocketIoFact]
    public async Task Cancelled_call_removes_the_pending_call()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.CallAsync(
            "slow_ack", new JsonObject { ["seconds"] = 2 }, AckTimeout, cancel.Token));

        Assert.Equal(0, connection.PendingCallCount);
    }

    [PythonSocketIoFact]
    public async Task Server_events_arrive_in_order()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);

        await connection.CallAsync("emit_back", new JsonObject { ["count"] = 50 }, AckTimeout, CancellationToken.None);

        for (var expected = 0; expected < 50; expected++)
        {
            var received = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);
            Assert.Equal("tick", received.Name);
            Assert.Equal(expected, received.Payload?["index"]?.GetValue<int>());
        }
    }

    [PythonSocketIoFact]
    public async Task The_server_s_concurrent_calls_each_get_the_answer_given_from_any_thread()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);
        const int Count = 20;

        var asking = connection.CallAsync("ask_back", new JsonObject { ["count"] = Count, ["timeout"] = 5 }, TimeSpan.FromSeconds(10), CancellationToken.None);
        var answering = new List<Task<bool>>();
        for (var i = 0; i < Count; i++)
        {
            var question = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);
            var index = question.Payload!["index"]!.GetValue<int>();
            // Index 0 gets an empty ack, which the server's call reads as None.
            answering.Add(Task.Run(() => question.Reply!.SendAsync(index == 0 ? null : new JsonObject { ["index"] = index })));
        }

        var answers = (await asking.WaitAsync(Wait.DefaultTimeout))!["answers"]!.AsArray();

        Assert.All(await Task.WhenAll(answering), Assert.True);
        Assert.Null(answers[0]);
        Assert.Equal(Enumerable.Range(1, Count - 1), answers.Skip(1).Select(answer => answer!["index"]!.GetValue<int>()));
    }

    [PythonSocketIoFact]
    public async Task Server_disconnect_closes_the_session_at_once()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);
        var watch = Stopwatch.StartNew();

        try
        {
            await connection.EmitAsync("disconnect_me", null, CancellationToken.None);
        }
        catch (SocketIoDisconnectedException)
        {
            // The server may act on the event before the send completes locally: the emit then reports the close.
        }

        var reason = await connection.Closed.WaitAsync(Wait.DefaultTimeout);

        // Well under the ping deadline (45 s by default), which is how a client that ignores the packet would notice.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("disconnected the namespace", reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SocketIoDisconnectedException>(() => connection.EmitAsync("echo", null, CancellationToken.None));
        Assert.False(await connection.Events.WaitToReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout));
    }

    [PythonSocketIoFact]
    public async Task Message_over_the_limit_is_refused_before_sending_and_the_connection_stays_usable()
    {
        await using var connection = await ConnectAsync(shared.Server.BaseUrl);
        var tooLarge = new JsonObject { ["text"] = new string('x', 1_000_001) };

        var emitError = await Assert.ThrowsAsync<SocketIoMessageTooLargeException>(() => connection.EmitAsync("echo", tooLarge, CancellationToken.None));
        await Assert.ThrowsAsync<SocketIoMessageTooLargeException>(() => connection.CallAsync("echo", tooLarge, AckTimeout, CancellationToken.None));

        Assert.Equal(1_000_000, emitError.Limit);
        Assert.True(emitError.Size > 1_000_001);
        Assert.Equal(0, connection.PendingCallCount);
        // Just under the limit still goes through: the server (limit 1,000,000) accepts and echoes it.
        var nearLimit = new JsonObject { ["text"] = new string('y', 999_900) };
        var answer = await connection.CallAsync("echo", nearLimit, AckTimeout, CancellationToken.None);
        Assert.Equal(999_900, answer?["text"]?.GetValue<string>().Length);
    }

    [PythonSocketIoFact]
    public async Task Dispose_fails_pending_calls_and_is_idempotent()
    {
        var connection = await ConnectAsync(shared.Server.BaseUrl);
        var pending = connection.CallAsync("slow_ack", new JsonObject { ["seconds"] = 3 }, AckTimeout, CancellationToken.None);

        await connection.DisposeAsync().AsTask().WaitAsync(Wait.DefaultTimeout);
        await connection.DisposeAsync();

        await Assert.ThrowsAsync<SocketIoDisconnectedException>(() => pending.WaitAsync(Wait.DefaultTimeout));
        Assert.Equal("the client closed the connection", await connection.Closed);
    }

    [PythonSocketIoFact]
    public async Task Frozen_server_is_detected_within_ping_interval_plus_ping_timeout()
    {
        await using var server = await PythonSocketIoServer.StartAsync("--ping-interval", "1", "--ping-timeout", "1");
        await using var connection = await ConnectAsync(server.BaseUrl);
        var watch = Stopwatch.StartNew();

        await connection.EmitAsync("freeze", new JsonObject { ["seconds"] = 8 }, CancellationToken.None);
        var reason = await connection.Closed.WaitAsync(Wait.DefaultTimeout);

        // The last ping came at most one interval before the freeze; the deadline is interval + timeout = 2 s.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3.5));
        Assert.Contains("no ping", reason, StringComparison.Ordinal);
    }

    [PythonSocketIoFact]
    public async Task Killed_server_closes_the_session_and_fails_pending_calls()
    {
        await using var server = await PythonSocketIoServer.StartAsync();
        await using var connection = await ConnectAsync(server.BaseUrl);
        var pending = connection.CallAsync("slow_ack", new JsonObject { ["seconds"] = 30 }, TimeSpan.FromSeconds(60), CancellationToken.None);

        await server.KillAsync();

        await connection.Closed.WaitAsync(Wait.DefaultTimeout);
        await Assert.ThrowsAsync<SocketIoDisconnectedException>(() => pending.WaitAsync(Wait.DefaultTimeout));
    }

    private static SocketIoConnectionOptions Options(Uri baseUrl, string token) => new()
    {
        BaseUrl = baseUrl,
        Namespace = Namespace,
        Auth = new JsonObject { ["token"] = token },
    };

    private static async Task<SocketIoConnection> ConnectAsync(Uri baseUrl)
    {
        var connection = new SocketIoConnection(Options(baseUrl, PythonSocketIoServer.GoodToken));
        try
        {
            await connection.ConnectAsync(CancellationToken.None);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

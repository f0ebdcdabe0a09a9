using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wegent.Executor.Connection.SocketIo;

using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection.SocketIo;

/// <summary>Connection behaviour against a scripted in-process server: hermetic and on fake time.</summary>
public sealed class SocketIoConnectionTests
{
    [Fact]
    public async Task Ping_is_answered_and_restarts_the_deadline_and_missed_pings_close_the_session()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection(time);
        await server.AcceptAsync(connection, """{"sid":"s1","pingInterval":1000,"pingTimeout":500}""");

        time.Advance(TimeSpan.FromMilliseconds(1000));
        await server.SendAsync("2");
        Assert.Equal("3", await server.ReceiveAsync());
        time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.False(connection.Closed.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Contains("no ping", await connection.Closed.WaitAsync(Wait.DefaultTimeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_split_over_several_frames_is_reassembled()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);
        var text = new string('z', 100_000);
        var message = $$"""42/local-executor,["big",{"text":"{{text}}"}]""";

        await server.SendFramesAsync(message[..7], message[7..50_000], message[50_000..]);
        var received = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);

        Assert.Equal("big", received.Name);
        Assert.Equal(text, received.Payload?["text"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_large_call_written_in_pieces_arrives_as_one_whole_message()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);
        // Multi-byte characters everywhere, so piece boundaries fall inside them.
        var text = string.Concat(Enumerable.Repeat("añ你\n😀", 20_000));

        var call = connection.CallWritingAsync("big", writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("text");
            foreach (var piece in text.Chunk(1_000)) writer.WriteStringValueSegment(piece, isFinalSegment: false);
            writer.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
            writer.WriteEndObject();
        }, TimeSpan.FromSeconds(30), CancellationToken.None);
        var received = SocketIoPacket.Decode((await server.ReceiveAsync())![1..]);
        await server.SendAsync("""43/local-executor,1[{"success":true}]""");

        Assert.Equal(text, received.Data?[1]?["text"]?.GetValue<string>());
        Assert.NotNull(await call.WaitAsync(Wait.DefaultTimeout));
    }

    [Fact]
    public async Task A_message_over_the_incoming_limit_closes_the_session_instead_of_filling_memory()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);
        var frame = new string('z', 1024 * 1024);

        var sending = server.SendFramesAsync([.. Enumerable.Repeat(frame, (SocketIoConnection.MaxIncomingMessageBytes / frame.Length) + 2)]);

        Assert.Contains("over", await connection.Closed.WaitAsync(Wait.DefaultTimeout), StringComparison.Ordinal);
        await sending.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Malformed_binary_and_foreign_packets_are_ignored_and_the_session_stays_open()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);

        foreach (var bad in new[] { "", "9", "4garbage", "42/local-executor,[1", "43/local-executor,[]", "42/local-executor,{}", """42/other,["x"]""", "0{}" })
        {
            await server.SendAsync(bad);
        }

        await server.SendBinaryAsync([1, 2, 3]);
        await server.SendAsync("""42/local-executor,["valid",1]""");
        var received = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);

        Assert.Equal("valid", received.Name);
        Assert.False(connection.Closed.IsCompleted);
    }

    [Fact]
    public async Task Engine_close_packet_closes_the_session_at_once()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);

        await server.SendAsync("1");

        Assert.Contains("Engine.IO session", await connection.Closed.WaitAsync(Wait.DefaultTimeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_error_with_a_bare_string_is_a_refusal_with_that_message()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        var connecting = connection.ConnectAsync(CancellationToken.None);
        await server.SendAsync("""0{"sid":"s1","pingInterval":25000,"pingTimeout":20000}""");
        await server.ReceiveAsync();

        await server.SendAsync("44/local-executor,\"Not allowed\"");

        var refused = await Assert.ThrowsAsync<SocketIoConnectRefusedException>(() => connecting.WaitAsync(Wait.DefaultTimeout));
        Assert.Equal("Not allowed", refused.ServerMessage);
    }

    [Fact]
    public async Task Connect_without_an_open_packet_times_out_as_a_transport_failure_not_a_refusal()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection(time, TimeSpan.FromSeconds(3));

        var connecting = connection.ConnectAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3));

        var error = await Assert.ThrowsAsync<IOException>(() => connecting.WaitAsync(Wait.DefaultTimeout));
        Assert.Contains("did not open a session", error.Message, StringComparison.Ordinal);
        await connection.Closed.WaitAsync(Wait.DefaultTimeout);
    }

    [Fact]
    public async Task Silence_after_the_namespace_connect_times_out_as_a_possible_refusal()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection(time, TimeSpan.FromSeconds(3));

        var connecting = connection.ConnectAsync(CancellationToken.None);
        await server.SendAsync("""0{"sid":"s1","pingInterval":25000,"pingTimeout":20000}""");
        Assert.StartsWith("40/local-executor,", await server.ReceiveAsync(), StringComparison.Ordinal);
        time.Advance(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAsync<TimeoutException>(() => connecting.WaitAsync(Wait.DefaultTimeout));
    }

    [Fact]
    public async Task A_refusal_that_arrives_before_the_connect_send_has_returned_is_still_a_refusal()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection(wrapClient: socket => new SendReturnsAfterAbortWebSocket(socket, "40/"));
        var connecting = connection.ConnectAsync(CancellationToken.None);
        await server.SendAsync("""0{"sid":"s1","pingInterval":25000,"pingTimeout":20000}""");
        Assert.StartsWith("40/local-executor,", await server.ReceiveAsync(), StringComparison.Ordinal);

        await server.SendAsync("""44/local-executor,{"message":"Invalid or expired token"}""");

        var refused = await Assert.ThrowsAsync<SocketIoConnectRefusedException>(() => connecting.WaitAsync(Wait.DefaultTimeout));
        Assert.Equal("Invalid or expired token", refused.ServerMessage);
    }

    [Fact]
    public async Task A_call_acknowledged_before_its_send_has_returned_counts_as_delivered_though_the_session_then_closed()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection(wrapClient: socket => new SendReturnsAfterAbortWebSocket(socket, "42/"));
        await server.AcceptAsync(connection);

        var call = connection.CallAsync("task:complete", new JsonObject(), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal("""42/local-executor,1["task:complete",{}]""", await server.ReceiveAsync());
        await server.SendAsync("""43/local-executor,1[{"success":true}]""");
        await server.SendAsync("41/local-executor,");

        Assert.True((await call.WaitAsync(Wait.DefaultTimeout))?["success"]?.GetValue<bool>());
        Assert.Contains("disconnected", await connection.Closed.WaitAsync(Wait.DefaultTimeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smaller_max_payload_from_the_server_lowers_the_limit_and_nothing_is_sent()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection, """{"sid":"s1","pingInterval":25000,"pingTimeout":20000,"maxPayload":100}""");

        var error = await Assert.ThrowsAsync<SocketIoMessageTooLargeException>(() =>
            connection.EmitAsync("big", JsonValue.Create(new string('x', 200)), CancellationToken.None));
        await connection.EmitAsync("small", null, CancellationToken.None);

        Assert.Equal(100, error.Limit);
        Assert.Equal("""42/local-executor,["small",null]""", await server.ReceiveAsync());
    }

    [Fact]
    public async Task Ack_timeout_on_fake_time_removes_the_pending_call_and_a_late_ack_is_ignored()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection(time);
        await server.AcceptAsync(connection);

        var call = connection.CallAsync("device:heartbeat", new JsonObject(), TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("""42/local-executor,1["device:heartbeat",{}]""", await server.ReceiveAsync());
        time.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Wait.DefaultTimeout));
        Assert.Equal(0, connection.PendingCallCount);
        await server.SendAsync("""43/local-executor,1[{"success":true}]""");
        var next = connection.CallAsync("echo", null, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("""42/local-executor,2["echo",null]""", await server.ReceiveAsync());
        await server.SendAsync("""43/local-executor,2["second"]""");
        Assert.Equal("second", (await next.WaitAsync(Wait.DefaultTimeout))?.GetValue<string>());
    }

    [Fact]
    public async Task A_server_call_is_answered_once_under_its_ack_id_and_an_event_without_one_has_no_reply()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);

        await server.SendAsync("""42/local-executor,7["device:sync_capabilities",{"skills":[]}]""");
        await server.SendAsync("""42/local-executor,["task:cancel",{}]""");
        var call = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);
        var plain = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);

        Assert.True(await call.Reply!.SendAsync(new JsonObject { ["success"] = true }));
        Assert.False(await call.Reply.SendAsync(new JsonObject { ["success"] = false }));
        Assert.True(call.Reply.IsAnswered);
        Assert.Null(plain.Reply);
        Assert.Equal("""43/local-executor,7[{"success":true}]""", await server.ReceiveAsync());
        // The second answer was not sent: the next message is this emit.
        await connection.EmitAsync("after", null, CancellationToken.None);
        Assert.Equal("""42/local-executor,["after",null]""", await server.ReceiveAsync());
    }

    [Fact]
    public async Task A_null_answer_is_an_empty_ack_and_an_answer_after_the_session_closed_is_dropped()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);
        await server.SendAsync("""42/local-executor,3["first",null]""");
        await server.SendAsync("""42/local-executor,4["second",null]""");
        var first = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);
        var second = await connection.Events.ReadAsync().AsTask().WaitAsync(Wait.DefaultTimeout);

        Assert.True(await first.Reply!.SendAsync(null));
        Assert.Equal("43/local-executor,3[]", await server.ReceiveAsync());
        await server.SendAsync("1");
        await connection.Closed.WaitAsync(Wait.DefaultTimeout);

        Assert.False(await second.Reply!.SendAsync(new JsonObject { ["success"] = true }));
    }

    [Fact]
    public async Task Emit_before_connect_is_an_error()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();

        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.EmitAsync("x", null, CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_sends_namespace_disconnect_then_closes_the_websocket()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        var connection = server.CreateConnection();
        await server.AcceptAsync(connection);

        var disposing = connection.DisposeAsync().AsTask();
        Assert.Equal("41/local-executor,", await server.ReceiveAsync());
        Assert.Null(await server.ReceiveAsync());
        await server.AnswerCloseAsync();
        await disposing.WaitAsync(Wait.DefaultTimeout);

        Assert.Equal("the client closed the connection", await connection.Closed);
        Assert.False(await connection.Events.WaitToReadAsync());
    }
}

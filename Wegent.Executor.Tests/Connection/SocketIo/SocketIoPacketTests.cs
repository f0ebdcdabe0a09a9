using System.Text.Json.Nodes;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.Connection.SocketIo;

public sealed class SocketIoPacketTests
{
    private const string Ns = "/local-executor";

    /// <summary>The Socket.IO packet of an event frame (the frame without its Engine.IO message type).</summary>
    private static string EncodeEvent(string @namespace, long? ackId, string eventName, JsonNode? payload)
    {
        using var frame = SocketIoPacket.EncodeEventFrame(@namespace, ackId, eventName, payload);
        return frame.ToText()[1..];
    }

    [Fact]
    public void Connect_with_auth_encodes_namespace_then_json()
    {
        var packet = new SocketIoPacket(SocketIoPacketType.Connect, Ns, null, new JsonObject { ["token"] = "x" });

        Assert.Equal("""0/local-executor,{"token":"x"}""", packet.Encode());
    }

    [Fact]
    public void Disconnect_keeps_the_trailing_comma() =>
        Assert.Equal("1/local-executor,", new SocketIoPacket(SocketIoPacketType.Disconnect, Ns, null, null).Encode());

    [Fact]
    public void Default_namespace_has_no_prefix() =>
        Assert.Equal("2[\"a\",1]", EncodeEvent("/", null, "a", JsonValue.Create(1)));

    [Fact]
    public void Event_with_ack_id_encodes_name_and_payload()
    {
        var text = EncodeEvent(Ns, 17, "device:register", new JsonObject { ["device_id"] = "hw-1" });

        Assert.Equal("""2/local-executor,17["device:register",{"device_id":"hw-1"}]""", text);
    }

    [Fact]
    public void Event_with_null_payload_sends_json_null() =>
        Assert.Equal("""2/local-executor,["ping",null]""", EncodeEvent(Ns, null, "ping", null));

    [Fact]
    public void Event_keeps_non_ascii_text_as_utf8() =>
        Assert.Equal("""2/local-executor,["m","你好"]""", EncodeEvent(Ns, null, "m", JsonValue.Create("你好")));

    [Theory]
    [InlineData(10)]
    [InlineData(300_000)]
    public void An_event_frame_is_the_engine_io_message_of_the_packet_in_utf8(int length)
    {
        var payload = new JsonObject { ["text"] = string.Concat(Enumerable.Repeat("añ你\n", length / 4)) };

        using var frame = SocketIoPacket.EncodeEventFrame(Ns, 42, "task:progress", payload);

        var message = EnginePacket.Decode(frame.ToText());
        var packet = SocketIoPacket.Decode(message.Data);
        Assert.Equal(EnginePacketType.Message, message.Type);
        Assert.Equal((SocketIoPacketType.Event, Ns, 42L), (packet.Type, packet.Namespace, packet.AckId));
        Assert.True(JsonNode.DeepEquals(new JsonArray("task:progress", payload.DeepClone()), packet.Data));
        Assert.Equal(frame.Length, frame.Pieces.Sum(piece => piece.Length));
    }

    [Fact]
    public void A_payload_written_straight_into_the_frame_encodes_like_the_same_tree()
    {
        var tree = new JsonObject { ["subtask_id"] = 7, ["result"] = new JsonObject { ["value"] = "añ你\"" } };

        using var written = SocketIoPacket.EncodeEventFrame(Ns, 3, "task:progress", writer => tree.WriteTo(writer));
        using var fromTree = SocketIoPacket.EncodeEventFrame(Ns, 3, "task:progress", tree);

        Assert.Equal(fromTree.ToText(), written.ToText());
        Assert.True(JsonNode.DeepEquals(tree, WrittenJson.ToNode(writer => tree.WriteTo(writer))));
    }

    [Fact]
    public void A_progress_snapshot_is_written_in_pieces_that_stay_small()
    {
        var answer = new AnswerTextBuilder();
        answer.Append(string.Concat(Enumerable.Repeat("añ你\n", 100_000)));
        var snapshot = new TaskProgressMessage { TaskId = 1, SubtaskId = 2, Progress = 60, Status = KnownStatuses.Running, Result = new TaskResult { Value = answer.Snapshot() } };

        using var frame = SocketIoPacket.EncodeEventFrame(Ns, 3, "task:progress", writer => ProtocolJson.Write(writer, snapshot));

        Assert.All(frame.Pieces, piece => Assert.InRange(piece.Length, 1, PooledFrame.PieceSize));
        var packet = SocketIoPacket.Decode(EnginePacket.Decode(frame.ToText()).Data);
        Assert.Equal(answer.Snapshot().ToString(), packet.Data?[1]?["result"]?["value"]?.GetValue<string>());
    }

    [Fact]
    public void Encoding_leaves_the_callers_node_reusable()
    {
        var payload = new JsonObject { ["a"] = 1 };

        EncodeEvent(Ns, 1, "x", payload);
        var second = EncodeEvent(Ns, 2, "x", payload);

        Assert.Null(payload.Parent);
        Assert.Equal("""2/local-executor,2["x",{"a":1}]""", second);
    }

    [Theory]
    [InlineData("""0/local-executor,{"sid":"abc"}""", SocketIoPacketType.Connect, Ns, null, """{"sid":"abc"}""")]
    [InlineData("1/local-executor,", SocketIoPacketType.Disconnect, Ns, null, null)]
    [InlineData("""2/local-executor,["tick",{"i":1}]""", SocketIoPacketType.Event, Ns, null, """["tick",{"i":1}]""")]
    [InlineData("""3/local-executor,17[{"success":true}]""", SocketIoPacketType.Ack, Ns, 17L, """[{"success":true}]""")]
    [InlineData("""4/local-executor,{"message":"Invalid or expired token"}""", SocketIoPacketType.ConnectError, Ns, null, """{"message":"Invalid or expired token"}""")]
    [InlineData("""2["x"]""", SocketIoPacketType.Event, "/", null, """["x"]""")]
    [InlineData("""3/local-executor?v=1,9007199254740993[]""", SocketIoPacketType.Ack, Ns, 9007199254740993L, "[]")]
    [InlineData("1/local-executor", SocketIoPacketType.Disconnect, Ns, null, null)]
    public void Decode_reads_every_part(string text, object type, string ns, long? ackId, string? json)
    {
        var packet = SocketIoPacket.Decode(text);

        Assert.Equal((SocketIoPacketType)type, packet.Type);
        Assert.Equal(ns, packet.Namespace);
        Assert.Equal(ackId, packet.AckId);
        Assert.Equal(json, packet.Data?.ToJsonString());
    }

    [Theory]
    [InlineData("""0/local-executor,{"token":"x"}""")]
    [InlineData("1/local-executor,")]
    [InlineData("""3/local-executor,5[{"a":[1,2,"ü"]}]""")]
    [InlineData("4/local-executor,\"refused\"")]
    public void Decode_then_encode_round_trips(string text) =>
        Assert.Equal(text, SocketIoPacket.Decode(text).Encode());

    [Theory]
    [InlineData("")]
    [InlineData("9")]
    [InlineData("""51-/local-executor,["x",{"_placeholder":true,"num":0}]""")]
    [InlineData("""6/local-executor,1[]""")]
    [InlineData("""2/local-executor,["x",""")]
    [InlineData("""3/local-executor,99999999999999999999[]""")]
    [InlineData("""2/local-executor,abc""")]
    public void Decode_rejects_malformed_or_binary_packets(string text) =>
        Assert.Throws<SocketIoProtocolException>(() => SocketIoPacket.Decode(text));

    [Fact]
    public void TakeEvent_returns_name_and_first_argument_without_a_parent()
    {
        var received = SocketIoPacket.Decode("""2/local-executor,["task:cancel",{"subtask_id":5},"extra"]""").TakeEvent();

        Assert.Equal("task:cancel", received.Name);
        Assert.Equal(5, received.Payload?["subtask_id"]?.GetValue<int>());
        Assert.Null(received.Payload?.Parent);
    }

    [Fact]
    public void Decode_reads_a_payload_nested_deeper_than_the_json_default_up_to_the_limit()
    {
        static string Nested(int depth) => new string('[', depth) + new string(']', depth);

        var received = SocketIoPacket.Decode($$"""2/local-executor,["task:execute",{"subtask_id":5,"user":{{Nested(500)}}}]""").TakeEvent();

        Assert.Equal(5, received.Payload?["subtask_id"]?.GetValue<int>());
        Assert.Throws<SocketIoProtocolException>(() => SocketIoPacket.Decode($"""2/local-executor,["x",{Nested(SocketIoPacket.MaxDepth + 1)}]"""));
    }

    [Fact]
    public void TakeEvent_without_arguments_has_null_payload() =>
        Assert.Null(SocketIoPacket.Decode("""2/local-executor,["bare"]""").TakeEvent().Payload);

    [Theory]
    [InlineData("""2/local-executor,[]""")]
    [InlineData("""2/local-executor,[1,2]""")]
    [InlineData("""2/local-executor,{"name":"x"}""")]
    [InlineData("2/local-executor,")]
    public void TakeEvent_rejects_data_that_is_not_a_named_event(string text) =>
        Assert.Throws<SocketIoProtocolException>(() => SocketIoPacket.Decode(text).TakeEvent());

    [Fact]
    public void TakeAckResult_returns_the_first_argument_or_null()
    {
        Assert.Equal(true, SocketIoPacket.Decode("""3/local-executor,1[{"success":true}]""").TakeAckResult()?["success"]?.GetValue<bool>());
        Assert.Null(SocketIoPacket.Decode("3/local-executor,1[]").TakeAckResult());
        Assert.Throws<SocketIoProtocolException>(() => SocketIoPacket.Decode("""3/local-executor,1{"a":1}""").TakeAckResult());
    }

    [Theory]
    [InlineData("""4/local-executor,{"message":"Invalid or expired token"}""", "Invalid or expired token")]
    [InlineData("4/local-executor,\"Not allowed\"", "Not allowed")]
    [InlineData("4/local-executor,", null)]
    [InlineData("""4/local-executor,{"code":3}""", """{"code":3}""")]
    public void ReadConnectErrorMessage_accepts_every_server_generation(string text, string? expected) =>
        Assert.Equal(expected, SocketIoPacket.Decode(text).ReadConnectErrorMessage());
}

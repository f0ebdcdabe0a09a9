using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Reporting;

/// <summary>Delivery in the Responses-API style (PROTOCOL-RESPONSES.md sections 6 and 8): event sequences, offsets,
/// pacing, exactly-once deltas, the terminal event last, sizes.</summary>
public sealed class ResponsesDeliveryTests : IDisposable
{
    private readonly DeliveryHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private FakeBackendChannel Channel => _harness.Channel;

    private static TaskRequest Request(long subtaskId = 7) => DeliveryHarness.Request(subtaskId, responses: true);

    private static JsonNode Data(JsonNode payload) => payload["data"]!;

    private (string Delta, int Offset)[] Deltas() =>
        Channel.Payloads(KnownResponseEvents.OutputTextDelta)
            .Select(p => (Data(p)["delta"]!.GetValue<string>(), Data(p)["offset"]!.GetValue<int>())).ToArray();

    private static string CompletedText(JsonNode payload) =>
        Data(payload)["response"]!["output"]!.AsArray().Single()!["content"]![0]!["text"]!.GetValue<string>();

    private static AgentOutcome Succeeded(string? usage = null) => new(AgentOutcomeStatus.Succeeded, null, null) { UsageJson = usage };

    [Fact]
    public async Task A_streamed_task_is_created_then_merged_deltas_with_code_point_offsets_then_completed_with_the_whole_text()
    {
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        delivery.Stage(tracker, RunStage.AgentStarted);
        tracker.OnEvent(new AgentTextDelta("Hello, "));
        tracker.OnEvent(new AgentTextDelta("🌍 "));

        Channel.SetReady();
        await Wait.UntilAsync(() => Channel.Sent.Count == 2, "response.created and one delta of all text so far");
        tracker.OnEvent(new AgentTextDelta("world"));
        tracker.OnEvent(new AgentTextDelta("."));
        await _harness.UntilAsync(() => Channel.Sent.Count == 3, "the next interval's delta");
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, Succeeded("""{"output_tokens":3}""")));
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([KnownResponseEvents.Created, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.Completed],
            Channel.EventNames);
        Assert.Equal([("Hello, 🌍 ", 0), ("world.", 9)], Deltas());
        foreach (var (eventName, payload) in Channel.Sent)
        {
            Assert.Equal((JsonValueKind.Number, JsonValueKind.Number, JsonValueKind.Number),
                (payload["task_id"]!.GetValueKind(), payload["subtask_id"]!.GetValueKind(), payload["message_id"]!.GetValueKind()));
            Assert.Equal((1L, 7L, 9L), (payload["task_id"]!.GetValue<long>(), payload["subtask_id"]!.GetValue<long>(), payload["message_id"]!.GetValue<long>()));
            Assert.Equal(eventName, Data(payload)["type"]!.GetValue<string>());
        }

        var created = Data(Channel.Sent.First().Payload);
        Assert.Equal(("in_progress", "ClaudeCode"), (created["response"]!["status"]!.GetValue<string>(), created["shell_type"]!.GetValue<string>()));
        var completed = Channel.Sent.Last().Payload;
        Assert.Equal("Hello, 🌍 world.", CompletedText(completed));
        var response = Data(completed)["response"]!;
        Assert.Equal(("completed", "end_turn", 3), (response["status"]!.GetValue<string>(), response["stop_reason"]!.GetValue<string>(), response["usage"]!["output_tokens"]!.GetValue<int>()));
        Assert.Empty(_harness.OutboxFiles);
    }

    [Fact]
    public async Task Tool_steps_are_blocks_in_their_place_between_the_text_and_reasoning_has_its_own_deltas()
    {
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentReasoningDelta("Look "));
        tracker.OnEvent(new AgentReasoningDelta("first."));
        tracker.OnEvent(new AgentTextDelta("Let me look."));
        tracker.OnEvent(new AgentToolUse("toolu_1", "Read", """{"file_path":"/w/a.py"}""") { InputJson = """{"file_path":"/w/a.py"}""" });
        tracker.OnEvent(new AgentToolResult("toolu_1", "print(1)", IsError: false));
        tracker.OnEvent(new AgentToolUse("toolu_2", "Bash", """{"command":"ex"""));
        tracker.OnEvent(new AgentToolResult("toolu_2", "not found", IsError: true));
        tracker.OnEvent(new AgentTextDelta("Done."));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, Succeeded()));

        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        Assert.Equal(
        [
            KnownResponseEvents.Created, KnownResponseEvents.ReasoningSummaryTextDelta, KnownResponseEvents.OutputTextDelta,
            KnownResponseEvents.BlockCreated, KnownResponseEvents.BlockUpdated, KnownResponseEvents.BlockCreated, KnownResponseEvents.BlockUpdated,
            KnownResponseEvents.OutputTextDelta, KnownResponseEvents.Completed,
        ], Channel.EventNames);
        Assert.Equal("Look first.", Data(Channel.Payloads(KnownResponseEvents.ReasoningSummaryTextDelta).Single())["delta"]!.GetValue<string>());
        Assert.Equal([("Let me look.", 0), ("Done.", 12)], Deltas());
        var created = Channel.Payloads(KnownResponseEvents.BlockCreated).Select(p => Data(p)["block"]!).ToArray();
        Assert.Equal(("toolu_1", "tool", "toolu_1", "Read", "pending"),
            (created[0]["id"]!.GetValue<string>(), created[0]["type"]!.GetValue<string>(), created[0]["tool_use_id"]!.GetValue<string>(),
                created[0]["tool_name"]!.GetValue<string>(), created[0]["status"]!.GetValue<string>()));
        Assert.Equal("/w/a.py", created[0]["tool_input"]!["file_path"]!.GetValue<string>());
        Assert.Equal("""{"command":"ex""", created[1]["tool_input"]!["input"]!.GetValue<string>());
        var updated = Channel.Payloads(KnownResponseEvents.BlockUpdated).Select(p => Data(p)).ToArray();
        Assert.Equal(("toolu_1", "print(1)", "done"), (updated[0]["block_id"]!.GetValue<string>(), updated[0]["updates"]!["tool_output"]!.GetValue<string>(), updated[0]["updates"]!["status"]!.GetValue<string>()));
        Assert.Equal(("toolu_2", "error"), (updated[1]["block_id"]!.GetValue<string>(), updated[1]["updates"]!["status"]!.GetValue<string>()));
        Assert.Equal("Let me look.Done.", CompletedText(Channel.Sent.Last().Payload));
    }

    [Fact]
    public async Task A_delta_whose_fate_is_unknown_is_never_sent_again_and_the_terminal_event_carries_the_whole_text()
    {
        var lost = 0;
        Channel.Answer = (eventName, _) => eventName == KnownResponseEvents.OutputTextDelta && Interlocked.Increment(ref lost) == 1
            ? Task.FromException<JsonNode?>(new SocketIoDisconnectedException("connection lost"))
            : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentTextDelta("abc"));
        Channel.SetReady();
        await Wait.UntilAsync(() => Deltas().Length == 1, "the delta that is lost");

        tracker.OnEvent(new AgentTextDelta("def"));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, Succeeded()));
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([("abc", 0), ("def", 3)], Deltas());
        Assert.Equal("abcdef", CompletedText(Channel.Sent.Last().Payload));
    }

    [Fact]
    public async Task A_run_the_model_stopped_at_its_token_limit_says_so_in_stop_reason()
    {
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentTextDelta("cut sh"));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, Succeeded() with { StopReason = "max_tokens" }));
        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        Assert.Equal("max_tokens", Data(Channel.Sent.Last().Payload)["response"]!["stop_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_delta_refused_because_the_connection_is_not_registered_is_sent_again_in_its_place()
    {
        var refusals = 0;
        Channel.Answer = (eventName, _) => Task.FromResult<JsonNode?>(
            eventName == KnownResponseEvents.OutputTextDelta && Interlocked.Increment(ref refusals) == 1
                ? new JsonObject { ["error"] = "Not authenticated or not registered" }
                : new JsonObject { ["success"] = true });
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentTextDelta("abc"));
        tracker.OnEvent(new AgentToolUse("toolu_1", "Read", "{}"));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, Succeeded()));

        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        Assert.Equal(
            [KnownResponseEvents.Created, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.BlockCreated, KnownResponseEvents.Completed],
            Channel.EventNames);
        Assert.Equal([("abc", 0), ("abc", 0)], Deltas());
    }

    [Fact]
    public async Task One_event_is_in_flight_at_a_time_and_the_terminal_event_never_overtakes_a_delta()
    {
        var held = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Channel.Answer = (_, payload) => Data(payload)["delta"]?.GetValue<string>() == "b"
            ? held.Task
            : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        Channel.SetReady();
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentTextDelta("a"));
        await Wait.UntilAsync(() => Deltas().Length == 1, "the first delta");

        tracker.OnEvent(new AgentTextDelta("b"));
        delivery.Finish(tracker.Final(FinalOutcome.Failed, "API Error: 500 upstream", null));
        await _harness.UntilAsync(() => Deltas().Length == 2, "the second delta, unanswered");
        Assert.Equal(3, Channel.Sent.Count);
        held.SetResult(new JsonObject { ["success"] = true });
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([KnownResponseEvents.Created, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.Error],
            Channel.EventNames);
        var error = Data(Channel.Sent.Last().Payload);
        Assert.Equal(("runtime_error", "API Error: 500 upstream"), (error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Long_text_goes_as_several_deltas_never_splitting_a_character_and_every_packet_fits()
    {
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        delivery.Stage(tracker, RunStage.Started);
        var head = new string('a', ResponsesStyle.MaxDeltaLength - 1) + "🌍";
        tracker.OnEvent(new AgentTextDelta(head + new string('b', 1_200_000)));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, Succeeded()));

        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        var deltas = Deltas();
        Assert.Equal(new string('a', ResponsesStyle.MaxDeltaLength - 1), deltas[0].Delta);
        Assert.StartsWith("🌍", deltas[1].Delta, StringComparison.Ordinal);
        Assert.Equal(ResponsesStyle.MaxDeltaLength - 1, deltas[1].Offset);
        Assert.Equal(head + new string('b', 1_200_000), string.Concat(deltas.Select(d => d.Delta)));
        Assert.All(Channel.Sent, sent => Assert.True(sent.Payload.ToJsonString().Length < 990_000, $"{sent.Event} is too large"));
        var response = Data(Channel.Sent.Last().Payload)["response"]!;
        Assert.Equal(KnownResponseEvents.Completed, Channel.Sent.Last().Event);
        Assert.Empty(response["output"]!.AsArray());
        Assert.Contains(_harness.Log.Lines, line => line.Contains("the backend keeps the streamed deltas", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_terminal_event_is_resent_after_reconnect_until_acknowledged_exactly_once_accepted()
    {
        var refusals = 0;
        Channel.Answer = (eventName, _) => KnownResponseEvents.IsTerminal(eventName) && ++refusals <= 2
            ? Task.FromException<JsonNode?>(new TimeoutException("no ack"))
            : Task.FromResult<JsonNode?>(new JsonObject { ["success"] = true });
        Channel.SetReady();
        await using var delivery = _harness.Create();
        var tracker = delivery.Track(Request());
        tracker.OnEvent(new AgentTextDelta("partial"));
        delivery.Finish(tracker.Final(FinalOutcome.Cancelled, null, null));
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([KnownResponseEvents.OutputTextDelta, KnownResponseEvents.Incomplete, KnownResponseEvents.Incomplete, KnownResponseEvents.Incomplete],
            Channel.EventNames);
        var response = Data(Channel.Sent.Last().Payload)["response"]!;
        Assert.Equal("Task cancelled", response["error"]!["message"]!.GetValue<string>());
        Assert.Empty(_harness.OutboxFiles);
    }
}

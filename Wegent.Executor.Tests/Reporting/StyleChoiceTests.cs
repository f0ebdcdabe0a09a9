using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Protocol;
using Wegent.Executor.Reporting;
using Wegent.Executor.Tasks;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Reporting;

/// <summary>Which style each subtask is reported in (PROTOCOL-RESPONSES.md section 10): the payload, the setting, the
/// probe for what has no payload, and the empty-ack safety net.</summary>
public sealed class StyleChoiceTests : IDisposable
{
    private static readonly JsonObject Success = new() { ["success"] = true };

    private readonly DeliveryHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private FakeBackendChannel Channel => _harness.Channel;

    /// <summary>A backend that handles only <paramref name="handled"/> events (the rest get an empty ack).</summary>
    private void BackendHandles(Func<string, bool> handled) =>
        Channel.Answer = (eventName, _) => Task.FromResult(handled(eventName) ? Success.DeepClone() : null);

    private static bool IsLegacy(string eventName) => eventName.StartsWith("task:", StringComparison.Ordinal);

    private static FinalReport Completed(long subtaskId, ResultProtocol? generation) => new()
    {
        TaskId = 1,
        SubtaskId = subtaskId,
        MessageId = generation == ResultProtocol.Responses ? 9 : null,
        Generation = generation,
        Outcome = FinalOutcome.Completed,
        Run = new RunResult { Text = "the answer" },
    };

    private async Task<ReportDelivery> RunAsync(TaskRequest request, ResultProtocol? forced = null)
    {
        var delivery = _harness.Create(forced);
        var tracker = delivery.Track(request);
        delivery.Stage(tracker, RunStage.Started);
        tracker.OnEvent(new AgentTextDelta("the answer"));
        delivery.Finish(tracker.Final(FinalOutcome.Completed, null, null));
        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);
        return delivery;
    }

    [Theory]
    [InlineData(false, null, "task:complete")]
    [InlineData(true, null, "response.completed")]
    [InlineData(true, ResultProtocol.Legacy, "task:complete")]
    [InlineData(false, ResultProtocol.Responses, "response.completed")]
    public async Task Auto_follows_the_payloads_generation_and_the_setting_overrides_it(bool responsesPayload, ResultProtocol? forced, string final)
    {
        Channel.ProbedResultProtocol = responsesPayload ? ResultProtocol.Legacy : ResultProtocol.Responses;
        await using var delivery = await RunAsync(DeliveryHarness.Request(2, responsesPayload), forced);

        Assert.Equal(final, Channel.Sent.Last().Event);
        Assert.Equal(final == KnownResponseEvents.Completed ? KnownResponseEvents.Created : KnownEvents.TaskProgress, Channel.Sent.First().Event);
    }

    [Theory]
    [InlineData(ResultProtocol.Responses, null, "response.completed")]
    [InlineData(ResultProtocol.Responses, ResultProtocol.Legacy, "task:complete")]
    [InlineData(ResultProtocol.Legacy, ResultProtocol.Responses, "response.completed")]
    public async Task A_final_left_in_the_outbox_goes_in_the_probed_style_else_the_one_it_was_recorded_in(
        ResultProtocol recorded, ResultProtocol? probed, string sent)
    {
        new Outbox(_harness.OutboxDirectory, _harness.Log.Logger).Save(new OutboxEntry(Completed(3, generation: null), recorded));
        Channel.ProbedResultProtocol = probed;
        Channel.SetReady();

        await using var delivery = _harness.Create();
        delivery.ResumeFromOutbox();
        await _harness.DeliveredAsync(delivery);

        var (eventName, payload) = Assert.Single(Channel.Sent);
        Assert.Equal(sent, eventName);
        Assert.Equal(3, payload["subtask_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_outbox_file_of_the_previous_version_is_sent_as_written_or_rendered_for_a_newer_backend()
    {
        var payload = new JsonObject { ["task_id"] = 4, ["subtask_id"] = 40, ["status"] = "FAILED", ["progress"] = 100, ["error_message"] = "API Error: 500", ["result"] = new JsonObject { ["value"] = "half" } };
        var file = Path.Combine(_harness.OutboxDirectory, "subtask-40.json");
        var written = new JsonObject { ["task_id"] = 4, ["subtask_id"] = 40, ["event"] = "task:complete", ["payload"] = payload.DeepClone() }.ToJsonString();
        File.WriteAllText(file, written);
        Channel.SetReady();
        await using (var january = _harness.Create())
        {
            january.ResumeFromOutbox();
            await _harness.DeliveredAsync(january);
        }

        File.WriteAllText(file, written);
        Channel.ProbedResultProtocol = ResultProtocol.Responses;
        await using (var current = _harness.Create())
        {
            current.ResumeFromOutbox();
            await _harness.DeliveredAsync(current);
        }

        Assert.Equal([KnownEvents.TaskComplete, KnownResponseEvents.Error], Channel.EventNames);
        Assert.True(JsonNode.DeepEquals(payload, Channel.Sent.First().Payload));
        var error = Channel.Sent.Last().Payload;
        Assert.Equal((4L, 40L), (error["task_id"]!.GetValue<long>(), error["subtask_id"]!.GetValue<long>()));
        Assert.Equal(("runtime_error", "API Error: 500"), (error["data"]!["code"]!.GetValue<string>(), error["data"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_empty_ack_to_a_live_event_switches_the_backends_style_and_only_the_terminal_event_goes_in_the_other()
    {
        BackendHandles(eventName => !IsLegacy(eventName));
        await using var delivery = await RunAsync(DeliveryHarness.Request(5, responses: false));

        Assert.Equal([KnownEvents.TaskProgress, KnownResponseEvents.Completed], Channel.EventNames);
        Assert.Equal("the answer", Channel.Sent.Last().Payload["data"]!["response"]!["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Single(_harness.Log.Lines, line => line.Contains("no handler for task:progress/task:complete results", StringComparison.Ordinal));

        // The next task of this backend starts in the style it handles.
        var tracker = delivery.Track(DeliveryHarness.Request(6, responses: false));
        delivery.Stage(tracker, RunStage.Started);
        await Wait.UntilAsync(() => Channel.Sent.Count == 3, "the next task's first event");
        Assert.Equal(KnownResponseEvents.Created, Channel.Sent.Last().Event);
    }

    [Fact]
    public async Task An_empty_ack_to_the_terminal_event_resends_it_once_in_the_other_style_and_the_outbox_records_that_style()
    {
        string? styleOnDisk = null;
        Channel.Answer = (eventName, _) =>
        {
            if (eventName == KnownEvents.TaskComplete)
            {
                styleOnDisk = JsonNode.Parse(File.ReadAllText(Path.Combine(_harness.OutboxDirectory, "subtask-7.json")))!["style"]!.GetValue<string>();
            }

            return Task.FromResult(eventName == KnownResponseEvents.Completed ? null : Success.DeepClone());
        };
        await using var delivery = await RunAsync(DeliveryHarness.Request(7, responses: true));

        Assert.Equal([KnownResponseEvents.Created, KnownResponseEvents.OutputTextDelta, KnownResponseEvents.Completed, KnownEvents.TaskComplete],
            Channel.EventNames);
        Assert.Equal("the answer", Channel.Sent.Last().Payload["result"]!["value"]!.GetValue<string>());
        Assert.Equal("legacy", styleOnDisk);
        Assert.Empty(_harness.OutboxFiles);
    }

    [Fact]
    public async Task A_backend_that_handles_neither_style_gets_the_terminal_event_twice_and_no_more()
    {
        BackendHandles(_ => false);
        await using var delivery = _harness.Create();
        delivery.Finish(Completed(8, ResultProtocol.Responses));
        Channel.SetReady();
        await _harness.DeliveredAsync(delivery);

        Assert.Equal([KnownResponseEvents.Completed, KnownEvents.TaskComplete], Channel.EventNames);
        Assert.Contains(_harness.Log.Lines, line => line.Contains("in either style; dropped", StringComparison.Ordinal));
        Assert.Empty(_harness.OutboxFiles);
    }

    [Fact]
    public void Acks_are_told_apart_by_their_keys()
    {
        Assert.Equal(AckKind.Handled, ResultStyles.Classify(new JsonObject { ["success"] = true }));
        Assert.Equal(AckKind.Error, ResultStyles.Classify(new JsonObject { ["error"] = "Missing task_id or subtask_id" }));
        Assert.Equal(AckKind.NoHandler, ResultStyles.Classify(null));
        Assert.Equal(AckKind.NoHandler, ResultStyles.Classify(new JsonObject()));
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>A backend of the generation a user meets today (Responses-API) that answers every ack 2 s late while a task
/// streams for a minute: the executor sends one event of the subtask at a time and merges what the agent said meanwhile
/// into the next delta, so nothing piles up and the answer keeps pace (WEGENT_SLOW_ACK_MINUTES, default 1; it was 2
/// before the suite ran the task tests against both generations, and 30 ack round trips show the rule as well as 60).
/// The January generation's snapshots follow the same rule through the same delivery; unit tests cover their merging.</summary>
[Trait("Category", "Chaos")]
public sealed class SlowAckTests(ITestOutputHelper output)
{
    private static readonly TimeSpan AckDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);

    /// <summary>The answer grows to about this size whatever the duration, so a delivery that kept a copy of the answer
    /// per agent event (10 a second) would hold tens of megabytes after a minute. Larger answers are
    /// not used: Claude Code 2.1.197 intermittently loses the end of its output on a pipe when its last lines (the whole
    /// answer, twice) exceed about 300 KB, and the task then fails for want of a result line.</summary>
    private const int AnswerCharacters = 150_000;

    /// <summary>Allowed growth of resident memory from the first third of the run to the last: a few copies of the
    /// answer in flight plus garbage collector slack.</summary>
    private const double AllowedGrowthMegabytes = 16;

    [E2EFact(Timeout = 30 * 60 * 1000)]
    public async Task Acks_answered_two_seconds_late_while_a_task_streams_do_not_make_the_executor_buffer()
    {
        var minutes = double.TryParse(Environment.GetEnvironmentVariable("WEGENT_SLOW_ACK_MINUTES"), CultureInfo.InvariantCulture, out var m) ? m : 1;
        var streaming = TimeSpan.FromMinutes(minutes);
        var pieces = (int)Math.Round(streaming.TotalSeconds * 10); // the scripted model's slow scenario: one piece per 100 ms
        var width = AnswerCharacters / pieces;

        await using var backend = await DevBackend.StartAsync(BackendGeneration.Responses);
        await backend.Api.SetAckDelayAsync(AckDelay);
        await using var executor = ExecutorProcess.Start(backend, new()
        {
            ["LOG_LEVEL"] = "INFO",
            // One model request streams for the whole run: keep the CLI's request bound out of the way.
            ["LOCAL_AGENT_API_TIMEOUT"] = ((int)streaming.TotalSeconds + 600).ToString(CultureInfo.InvariantCulture),
        });
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");
        var scenario = string.Create(CultureInfo.InvariantCulture, $"slow:{streaming.TotalSeconds:0}:{width}");
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "stream for a minute", ["scenario"] = scenario });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");

        var started = DateTime.UtcNow;
        var samples = new List<(TimeSpan At, double Megabytes)>();
        JsonObject subtask;
        while (true)
        {
            subtask = await backend.Api.SubtaskAsync(taskId, subtaskId);
            if (subtask["status"]?.GetValue<string>() != "RUNNING") break;
            samples.Add((DateTime.UtcNow - started, ProcessSample.Of(executor.Process.Id).ResidentMegabytes));
            Assert.True(DateTime.UtcNow - started < streaming + TimeSpan.FromMinutes(3), $"still running {DateTime.UtcNow - started} after streaming started");
            await Task.Delay(SampleEvery); // the sampling period, not a wait for an event
        }

        output.WriteLine($"{minutes} min, scenario {scenario}, RSS every {SampleEvery.TotalSeconds:0} s (MB): "
            + string.Join(' ', samples.Select(s => s.Megabytes.ToString("0.0", CultureInfo.InvariantCulture))));
        var acks = await backend.Api.MaxUnansweredAcksAsync();
        var deltas = (await RecordedTask.ReadAsync(backend.Api, taskId)).Received(subtaskId).Count(e => e.Name == RecordedAssert.TextDelta);
        output.WriteLine($"{deltas} deltas for {pieces} pieces of the agent's answer; most unanswered at once: {string.Join(", ", acks.Select(a => $"{a.Key} {a.Value}"))}");
        Assert.True(subtask["status"]!.GetValue<string>() == "COMPLETED", $"the task ended {subtask["status"]}: {subtask["error_message"]}\n{string.Join('\n', executor.Process.Lines.TakeLast(30))}");

        var settled = samples.Where(s => s.At >= WarmUp).Select(s => s.Megabytes).ToArray();
        Assert.True(settled.Length >= 6, $"only {settled.Length} samples after warm-up");
        var third = settled.Length / 3;
        var (early, late) = (settled[..third].Max(), settled[^third..].Max());
        output.WriteLine($"RSS start {samples[0].Megabytes:0.0}, min {samples.Min(s => s.Megabytes):0.0}, max {samples.Max(s => s.Megabytes):0.0}, "
            + $"end {samples[^1].Megabytes:0.0} MB; max of first third after warm-up {early:0.0}, of last third {late:0.0} MB");

        var expected = ScriptedAnswers.Slow(streaming.TotalSeconds, width);
        Assert.Equal(expected, subtask["result"]!["value"]!.GetValue<string>());
        Assert.Equal(expected, subtask["streamed_text"]!.GetValue<string>());
        Assert.Equal(1, subtask["complete_count"]!.GetValue<int>());
        // Flow control: one event of the subtask in flight at a time, so at most one delta per ack round trip.
        Assert.All(acks.Where(a => a.Key.StartsWith("response.", StringComparison.Ordinal)), a => Assert.Equal(1, a.Value));
        Assert.Equal(1, acks[RecordedAssert.TextDelta]);
        Assert.Equal(1, acks[RecordedAssert.Completed]);
        Assert.InRange(deltas, 2, (int)(streaming / AckDelay) + 10);
        Assert.True(late <= early + AllowedGrowthMegabytes, $"resident memory grew from {early:0.0} to {late:0.0} MB while acks were slow");
        Assert.False(executor.Process.HasExited);
    }
}

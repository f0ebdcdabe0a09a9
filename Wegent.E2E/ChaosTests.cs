using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>Faults of the backend while the executor works: nothing a task produced may be lost.</summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    /// <summary>Against the generation a user meets today (Responses-API): the stored answer is the agent's text, no delta
    /// is stored twice (a delta whose fate an outage hid is given up, the terminal event carries the whole text), and the
    /// terminal event arrives once, or again only when an outage swallowed its ack (the same result, rewritten). The
    /// January generation meets one kill in the task tests; its ten-kill run (a minute more, passing) is left to
    /// WEGENT_CHAOS_LEGACY=1, to keep the suite within its 20 minutes.</summary>
    [E2ETheory]
    [MemberData(nameof(Generations))]
    public async Task Ten_backend_kills_during_one_streaming_task_lose_nothing(BackendGeneration generation)
    {
        const int Kills = 10;
        await using var backend = await DevBackend.StartAsync(generation);
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "stream for a while", ["scenario"] = "slow:60" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");

        var random = new Random(6);
        for (var kill = 1; kill <= Kills; kill++)
        {
            await backend.KillBackendAsync();
            var down = TimeSpan.FromMilliseconds(random.Next(500, 5_000));
            await Task.Delay(down); // the outage itself is what is being tested
            await backend.StartBackendAsync();
            output.WriteLine($"kill {kill}: down {down.TotalSeconds:0.0} s");
            await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered again");
        }

        var subtask = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["status"]?.GetValue<string>() == "COMPLETED", "completed", TimeSpan.FromSeconds(120));
        var value = subtask["result"]!["value"]!.GetValue<string>();
        var terminals = subtask["complete_count"]!.GetValue<int>();
        var recorded = await RecordedTask.ReadAsync(backend.Api, taskId);
        output.WriteLine($"{generation}, {Kills} backend kills mid-stream: {recorded.Sequence(subtaskId, backend.Kills)}");
        output.WriteLine($"terminal events received {terminals} time(s); answer {value.Length} characters, {subtask["streamed_text"]!.GetValue<string>().Length} streamed");
        Assert.Equal(ScriptedAnswers.Slow(60), value);
        if (generation == BackendGeneration.Responses)
        {
            output.WriteLine("text missing from the stream (code points, where): " + string.Join(", ", Gaps(recorded, subtaskId).Select(g => $"{g.Length} at {g.Offset}")));
            Assert.Equal(terminals, RecordedAssert.ResponsesAcrossOutages(recorded, subtaskId, value));
        }
        else
        {
            Assert.Equal(value, subtask["streamed_text"]!.GetValue<string>());
            RecordedAssert.NoNotes(recorded, "subtask_failed_by_disconnect");
        }

        Assert.InRange(terminals, 1, Kills + 1);

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(executor.Home, "outbox")));
        Assert.False(executor.Process.HasExited);
    }

    public static TheoryData<BackendGeneration> Generations =>
        Environment.GetEnvironmentVariable("WEGENT_CHAOS_LEGACY") == "1" ? BackendGenerations.Both : new() { BackendGeneration.Responses };

    /// <summary>Where the recorded deltas skip text: each a delta whose fate an outage hid, given up.</summary>
    private static IEnumerable<(int Offset, int Length)> Gaps(RecordedTask recorded, long subtaskId)
    {
        var expected = 0;
        foreach (var delta in recorded.Received(subtaskId).Where(e => e.Name == RecordedAssert.TextDelta).Select(e => e.Data))
        {
            var offset = delta["offset"]!.GetValue<int>();
            if (offset > expected) yield return (expected, offset - expected);
            expected = offset + RecordedAssert.CodePoints(delta["delta"]!.GetValue<string>());
        }
    }

    [E2EFact]
    public async Task A_backend_that_stops_answering_is_left_within_the_heartbeat_timeout_and_rejoined_when_back()
    {
        // Long pings, so only the executor's heartbeat timeout can notice the freeze.
        await using var backend = await DevBackend.StartAsync(new() { ["WEGENT_DEV_PING_INTERVAL"] = "120", ["WEGENT_DEV_PING_TIMEOUT"] = "120" });
        await using var executor = ExecutorProcess.Start(backend, new() { ["LOCAL_HEARTBEAT_INTERVAL"] = "1", ["LOCAL_HEARTBEAT_TIMEOUT"] = "3" });
        await executor.Process.WaitForLineAsync("Registered as device");

        backend.Freeze();
        var frozenAt = DateTime.UtcNow;
        await executor.Process.WaitForLineAsync("no heartbeat acknowledged for 3 s", TimeSpan.FromSeconds(20));
        output.WriteLine($"freeze noticed after {(DateTime.UtcNow - frozenAt).TotalSeconds:0.0} s");
        backend.Thaw();

        // The thawed backend may still list the device as connected from before the freeze: wait for the executor itself.
        await Wait.UntilAsync(() => executor.Process.Lines.Count(line => line.Contains("Registered as device", StringComparison.Ordinal)) == 2, "a second registration");
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered again");
    }
}

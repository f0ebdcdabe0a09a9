using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Wegent.Bench;

/// <summary>Each metric of the table, measured on loopback against the dev backend.</summary>
internal sealed partial class Measurements(DevBackendProcess backend, string fakeAgent, BenchOptions options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> Idle = new() { ["LOCAL_HEARTBEAT_INTERVAL"] = "1" };

    /// <summary>Process spawn → the backend records device:register.</summary>
    public async Task<Stats> StartupAsync(ExecutorBuild build)
    {
        var samples = new List<double>();
        for (var run = 0; run < options.Runs; run++)
        {
            var since = await backend.LastEventIdAsync();
            await using var executor = ExecutorUnderTest.Start(build, backend, fakeAgent);
            var registered = await WaitRegisteredAsync(since, executor.DeviceId);
            samples.Add(registered["received_at"]!.GetValue<long>() - executor.SpawnedAtMs);
        }

        return Stats.Of(samples);
    }

    /// <summary>All runs' executors idle at once (1 s heartbeat): RSS after settling, CPU over the idle period.</summary>
    public async Task<(Stats Rss, Stats Cpu)> IdleAsync(ExecutorBuild build)
    {
        var executors = new List<ExecutorUnderTest>();
        try
        {
            var since = await backend.LastEventIdAsync();
            for (var run = 0; run < options.Runs; run++) executors.Add(ExecutorUnderTest.Start(build, backend, fakeAgent, Idle));
            foreach (var executor in executors) await WaitRegisteredAsync(since, executor.DeviceId);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var rss = executors.Select(e => e.ResidentMegabytes()).ToArray();
            var cpuBefore = executors.Select(e => e.CpuMilliseconds()).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
            var cpu = executors.Select((e, i) => (e.CpuMilliseconds() - cpuBefore[i]) * 60 / options.IdleSeconds).ToArray();
            return (Stats.Of(rss), Stats.Of(cpu));
        }
        finally
        {
            foreach (var executor in executors) await executor.DisposeAsync();
        }
    }

    /// <summary>Per task: the executor's own measure, from the payload's arrival to the first progress going out (its
    /// DEBUG log line), and what the backend sees (emit to receipt, whole milliseconds, Python's own time included).</summary>
    public async Task<(Stats Executor, Stats Backend)> FirstProgressAsync(ExecutorBuild build)
    {
        await using var executor = ExecutorUnderTest.Start(build, backend, fakeAgent, new Dictionary<string, string> { ["LOG_LEVEL"] = "DEBUG" });
        await WaitRegisteredAsync(await backend.LastEventIdAsync(), executor.DeviceId);
        var inside = new List<double>();
        var seen = new List<double>();
        for (var run = 0; run < Math.Max(options.Runs, 20); run++)
        {
            var (taskId, subtaskId) = await backend.CreateTaskAsync(executor.DeviceId, "deltas=0");
            var task = await backend.WaitForFinalAsync(taskId, subtaskId, Timeout);
            var events = task["events"]!.AsArray().Select(e => e!.AsObject()).ToArray();
            var sent = events.First(e => Is(e, "out", "task:execute"))["received_at"]!.GetValue<long>();
            var first = events.First(IsResult)["received_at"]!.GetValue<long>();
            seen.Add(first - sent);
            inside.Add(await ExecutorLatencyAsync(executor.LogFile, subtaskId));
        }

        return (Stats.Of(inside), Stats.Of(seen));
    }

    private static async Task<double> ExecutorLatencyAsync(string logFile, long subtaskId)
    {
        var pattern = new Regex($@"First progress of subtask {subtaskId} on its way ([0-9.]+) ms");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Timeout)
        {
            await using (var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
            {
                if (pattern.Match(await reader.ReadToEndAsync()) is { Success: true } match)
                {
                    return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"The executor logged no first-progress time for subtask {subtaskId}.");
    }

    /// <summary>Tasks streaming text at once: per-task delays, event spacing, executor CPU and peak memory.</summary>
    public async Task<StreamingResult> StreamingAsync(ExecutorBuild build, int tasks, int deltas)
    {
        var settings = new Dictionary<string, string> { ["LOCAL_MAX_CONCURRENT_TASKS"] = tasks.ToString(CultureInfo.InvariantCulture) };
        await using var executor = ExecutorUnderTest.Start(build, backend, fakeAgent, settings);
        await WaitRegisteredAsync(await backend.LastEventIdAsync(), executor.DeviceId);
        var delays = new List<double>();
        var gaps = new List<double>();
        var cpuShares = new List<double>();
        var eventCounts = new List<double>();
        var kilobytes = new List<double>();
        var peakRss = 0.0;
        var failures = 0;
        string? failure = null;
        for (var run = 0; run < options.Runs; run++)
        {
            var cpuBefore = executor.CpuMilliseconds();
            var started = Clock.NowMs();
            var created = new List<(long TaskId, long SubtaskId)>();
            for (var i = 0; i < tasks; i++) created.Add(await backend.CreateTaskAsync(executor.DeviceId, $"deltas={deltas} bytes=100 seconds=2"));
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakRss = Math.Max(peakRss, executor.ResidentMegabytes());
                    await Task.Delay(50, CancellationToken.None);
                }
            });
            var finished = new List<JsonObject>();
            foreach (var (taskId, subtaskId) in created) finished.Add(await backend.WaitForFinalAsync(taskId, subtaskId, Timeout));
            await sampling.CancelAsync();
            await sampler;
            cpuShares.Add((executor.CpuMilliseconds() - cpuBefore) / (Clock.NowMs() - started) * 100);
            foreach (var task in finished)
            {
                var results = task["events"]!.AsArray().Select(e => e!.AsObject()).Where(IsResult).ToArray();
                eventCounts.Add(results.Length);
                kilobytes.Add(results.Sum(e => Encoding.UTF8.GetByteCount(e["payload"]?.ToJsonString() ?? "")) / 1024.0);
                var (taskDelays, taskGaps, error) = StreamDelays(results);
                delays.AddRange(taskDelays);
                gaps.AddRange(taskGaps);
                if (error is not null)
                {
                    failures++;
                    failure ??= error;
                }
            }
        }

        return new StreamingResult(Stats.Of(delays), Stats.Of(gaps), Stats.Of(cpuShares), Stats.Of(eventCounts), Stats.Of(kilobytes), peakRss, failures, failure);
    }

    /// <summary>Kill the backend, keep it down 3 s, start it: time from healthy again to device:register received.</summary>
    public async Task<Stats> ReconnectAsync(ExecutorBuild build)
    {
        await using var executor = ExecutorUnderTest.Start(build, backend, fakeAgent);
        await WaitRegisteredAsync(await backend.LastEventIdAsync(), executor.DeviceId);
        var samples = new List<double>();
        for (var run = 0; run < options.Runs; run++)
        {
            var since = await backend.LastEventIdAsync();
            await backend.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            var healthyAt = await backend.StartAgainAsync();
            var registered = await WaitRegisteredAsync(since, executor.DeviceId);
            samples.Add(registered["received_at"]!.GetValue<long>() - healthyAt);
        }

        return Stats.Of(samples);
    }

    private Task<JsonObject> WaitRegisteredAsync(long since, string deviceId) =>
        backend.WaitForEventAsync(since, e => Is(e, "in", "device:register") && e["payload"]?["device_id"]?.GetValue<string>() == deviceId, Timeout);

    private static bool Is(JsonObject entry, string direction, string name) =>
        entry["direction"]?.GetValue<string>() == direction && entry["event"]?.GetValue<string>() == name;

    /// <summary>An event the executor sent about a task (either generation's), not a device event.</summary>
    private static bool IsResult(JsonObject entry) =>
        entry["direction"]?.GetValue<string>() == "in" && entry["event"]?.GetValue<string>() is { } name && !name.StartsWith("device:", StringComparison.Ordinal);

    /// <summary>For each event that carries new text: received_at minus the print time of the oldest delta it is the first
    /// to carry; and the spacing of those events. January snapshots carry the whole text so far, Responses-API deltas only
    /// what is new.</summary>
    private static (List<double> Delays, List<double> Gaps, string? Error) StreamDelays(JsonObject[] events)
    {
        var delays = new List<double>();
        var gaps = new List<double>();
        var lastIndex = -1;
        long? lastProgressAt = null;
        var printedAt = new Dictionary<int, long>();
        var streamed = new StringBuilder();
        foreach (var entry in events)
        {
            var receivedAt = entry["received_at"]!.GetValue<long>();
            var eventName = entry["event"]!.GetValue<string>();
            var payload = entry["payload"];
            string text;
            if (eventName == "response.output_text.delta")
            {
                streamed.Append(payload?["data"]?["delta"]?.GetValue<string>());
                text = streamed.ToString();
            }
            else
            {
                text = payload?["result"]?["value"]?.GetValue<string>() ?? "";
            }

            var markers = Marker().Matches(text).Select(m => (Index: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), At: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToArray();
            foreach (var (index, at) in markers) printedAt[index] = at;
            if (markers.Length == 0) continue;
            // Gaps between text events only: the start stages (10, 60) are milestones, never coalesced, by design.
            if (eventName is "task:progress" or "response.output_text.delta")
            {
                if (lastProgressAt is { } previous) gaps.Add(receivedAt - previous);
                lastProgressAt = receivedAt;
            }

            var newest = markers.Max(m => m.Index);
            if (newest > lastIndex && printedAt.TryGetValue(lastIndex + 1, out var oldestNew)) delays.Add(receivedAt - oldestNew);
            lastIndex = Math.Max(lastIndex, newest);
        }

        var final = events.LastOrDefault(e => e["event"]!.GetValue<string>() is "task:complete" or "response.completed" or "error" or "response.incomplete");
        var error = final?["event"]!.GetValue<string>() switch
        {
            "response.completed" => null,
            "task:complete" when final["payload"]?["status"]?.GetValue<string>() == "COMPLETED" => null,
            "task:complete" => final["payload"]?["error_message"]?.GetValue<string>() ?? "FAILED",
            "error" => final["payload"]?["data"]?["message"]?.GetValue<string>() ?? "error",
            "response.incomplete" => "cancelled",
            _ => "no final result",
        };
        return (delays, gaps, error);
    }

    [GeneratedRegex(@"#(\d{5})@(\d{13})\|")]
    private static partial Regex Marker();
}

internal sealed record StreamingResult(Stats Delay, Stats EventGap, Stats CpuPercent, Stats EventsPerTask, Stats KilobytesPerTask,
    double PeakRssMegabytes, int FailedTasks, string? Failure);

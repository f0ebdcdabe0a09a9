using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>Generated hostile payloads through the real dev backend's socket to a real executor process. The Claude Code
/// CLI path points nowhere, so every task that gets past validation and workspace preparation fails at once.</summary>
[Trait("Category", "Chaos")]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int WarmUpPayloads = 400;
    private const long FirstSubtaskId = 7_000_000;

    /// <summary>Resident memory once the storm is over, against the baseline taken after a warm-up round of the same
    /// kind: the runtime keeps part of the heap it grew for the largest payloads (9-25 MB measured, not growing from
    /// 1,000 to 3,000 payloads), while keeping 20 KB per payload, under a third of an average one, would exceed this.</summary>
    private const double AllowedResidualMegabytes = 40;

    [E2EFact(Timeout = 6 * 60 * 1000)]
    public async Task Two_thousand_hostile_payloads_over_the_socket_leave_the_executor_running_answering_and_inside_its_home()
    {
        var payloads = int.TryParse(Environment.GetEnvironmentVariable("WEGENT_FUZZ_PAYLOADS"), CultureInfo.InvariantCulture, out var n) ? n : 2_000;
        var sandbox = Directory.CreateTempSubdirectory("wegent-e2e-hostile-");
        try
        {
            // Deep inside the sandbox, so relative path tricks land in it, where the scan below sees them.
            var home = Directory.CreateDirectory(Path.Combine(sandbox.FullName, "a", "b", "c", "d", "home"));
            var trap = Directory.CreateDirectory(Path.Combine(sandbox.FullName, "trap")).FullName;
            var before = Entries(sandbox.FullName);

            // The January generation: the generated payloads have its shape (no model_config), so it is the backend that
            // would send them, and its task:progress / task:complete are the answers counted below.
            await using var backend = await DevBackend.StartAsync(BackendGeneration.Legacy);
            var targets = await UploadTargetsAsync(backend, trap);
            await using var executor = ExecutorProcess.Start(backend, new()
            {
                ["WEGENT_CLAUDE_CLI"] = Path.Combine(sandbox.FullName, "no-such-claude"),
                ["LOCAL_MAX_CONCURRENT_TASKS"] = "4",
                ["LOCAL_GIT_TIMEOUT"] = "10",
                ["LOG_LEVEL"] = "INFO",
            }, home: home);
            await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");
            var answers = new AnswerLog(backend.Api);

            var (warmUp, _) = await SendAsync(backend, executor, new HostilePayloads(1, FirstSubtaskId - WarmUpPayloads, targets), WarmUpPayloads, _ => { });
            await answers.WaitForAsync(warmUp, Wait.DefaultTimeout);
            var baseline = Rss(executor);

            var series = new List<double> { baseline };
            var (readable, characters) = await SendAsync(backend, executor, new HostilePayloads(20261124, FirstSubtaskId, targets), payloads,
                i => { if (i % 100 == 99) series.Add(Rss(executor)); });
            await answers.WaitForAsync(readable, TimeSpan.FromMinutes(3), onPoll: () => series.Add(Rss(executor)));
            var peak = series.Max();
            var lastHeartbeat = await LastHeartbeatAsync(backend, executor);
            await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["last_heartbeat"]?.GetValue<double>() > lastHeartbeat, "heartbeating after the storm");
            var after = Rss(executor);

            var statuses = answers.Received.Values.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"{payloads} payloads ({characters / payloads / 1024} KiB of JSON on average): {readable.Count} with a readable subtask id; answers: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}");
            output.WriteLine($"RSS baseline {baseline:0.0} MB (after {WarmUpPayloads} warm-up payloads), peak {peak:0.0} MB, after {after:0.0} MB");
            output.WriteLine("RSS every 100 payloads, then while answers come in (MB): " + string.Join(' ', series.Select(m => m.ToString("0.0", CultureInfo.InvariantCulture))));

            Assert.False(executor.Process.HasExited, "the executor exited:\n" + executor.Process.Output);
            Assert.Single(executor.Process.Lines, line => line.Contains("Registered as device", StringComparison.Ordinal));
            Assert.Empty(answers.Received.Keys.Except(readable).Except(warmUp));
            Assert.All(readable, id => Assert.True(answers.Received[id] is { Status: "FAILED", Error.Length: > 0 } or { Status: "CANCELLED" },
                $"subtask {id}: {answers.Received[id]}"));
            var outside = Entries(sandbox.FullName).Except(before).Where(path => !path.StartsWith(executor.Home, StringComparison.Ordinal)).ToArray();
            Assert.True(outside.Length == 0, "written outside the executor's home: " + string.Join(", ", outside.Take(20)));
            Assert.True(after <= baseline + AllowedResidualMegabytes, $"resident memory {baseline:0.0} MB before, {after:0.0} MB after");
        }
        finally
        {
            sandbox.Delete(recursive: true);
        }
    }

    /// <returns>The subtask ids the executor can read, which must each be answered, and the characters of JSON sent.</returns>
    private static async Task<(HashSet<long> Readable, long Characters)> SendAsync(DevBackend backend, ExecutorProcess executor, HostilePayloads generator, int count, Action<int> afterEach)
    {
        var readable = new HashSet<long>();
        var characters = 0L;
        for (var i = 0; i < count; i++)
        {
            var payload = generator.Next(i);
            await backend.Api.EmitRawAsync(executor.DeviceId, payload.Event, payload.Json);
            if (payload.ReadableSubtaskId is { } id) readable.Add(id);
            characters += payload.Json.Length;
            afterEach(i);
        }

        return (readable, characters);
    }

    private static async Task<HostileTargets> UploadTargetsAsync(DevBackend backend, string trap)
    {
        var skills = new (string Name, string Entry)[]
        {
            ("slip-relative", "../../../../../../../../pwned-zip-relative"),
            ("slip-absolute", Path.Combine(trap, "pwned-zip-absolute")),
            ("slip-backslash", "..\\..\\..\\..\\..\\..\\pwned-zip-backslash"),
            ("slip-nested", "ok/../../../../../../../pwned-zip-nested"),
        };
        foreach (var (name, entry) in skills) await backend.Api.UploadSkillAsync(name, Zip(("SKILL.md", "# skill"), (entry, "escaped")));

        var attachments = new List<JsonObject>();
        foreach (var name in (string[])["../../../../../../../../pwned-attachment", Path.Combine(trap, "pwned-attachment-absolute"), "..", ".", "CON", new string('a', 5_000), "a\u0000b", "\u202etxt.exe", "..\\..\\..\\pwned-backslash"])
        {
            attachments.Add(await backend.Api.UploadAttachmentAsync(name, "hostile\n"u8.ToArray()));
        }

        return new HostileTargets(backend.Token, [.. skills.Select(s => s.Name)], attachments, trap);
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(archive.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return buffer.ToArray();
    }

    private static HashSet<string> Entries(string root) => [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)];

    private static double Rss(ExecutorProcess executor) => ProcessSample.Of(executor.Process.Id).ResidentMegabytes;

    private static async Task<double> LastHeartbeatAsync(DevBackend backend, ExecutorProcess executor) =>
        (await backend.Api.DevicesAsync()).Single(d => d!["device_id"]!.GetValue<string>() == executor.DeviceId)!["last_heartbeat"]!.GetValue<double>();

    /// <summary>The final answers the backend received, by subtask id, read incrementally from its event history.</summary>
    private sealed class AnswerLog(BackendApi api)
    {
        private long _seenComplete;
        private long _seenProgress;

        public Dictionary<long, Answer> Received { get; } = [];

        public async Task WaitForAsync(IReadOnlySet<long> subtaskIds, TimeSpan timeout, Action? onPoll = null)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                _seenComplete = Read(await api.EventsAsync(_seenComplete, "task:complete"), _seenComplete);
                _seenProgress = Read(await api.EventsAsync(_seenProgress, "task:progress"), _seenProgress);
                onPoll?.Invoke();
                var missing = subtaskIds.Where(id => !Received.ContainsKey(id)).ToArray();
                if (missing.Length == 0) return;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{missing.Length} subtasks never answered, e.g. {string.Join(", ", missing.Take(10))}");
                await Task.Delay(500);
            }
        }

        private long Read(JsonArray events, long seen)
        {
            foreach (var entry in events)
            {
                seen = Math.Max(seen, entry!["id"]!.GetValue<long>());
                var payload = entry["payload"]!;
                var status = payload["status"]?.GetValue<string>();
                if (entry["event"]!.GetValue<string>() == "task:progress" && status != "CANCELLED") continue;
                Received[payload["subtask_id"]!.GetValue<long>()] = new Answer(status ?? "", payload["error_message"]?.GetValue<string>());
            }

            return seen;
        }
    }

    private sealed record Answer(string Status, string? Error);
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wegent.E2E.Infrastructure;
using Wegent.Executor.Processes;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>Many tasks back to back through one executor, against the generation a user meets today (Responses-API):
/// nothing may leak, and the log, rotated dozens of times meanwhile, must lose, duplicate and tear no line. 100 tasks
/// (about 2.5 minutes) under scripts/test and CI, a third of what it was, so that the suite stays within its 20 minutes
/// now that the task tests run against both generations and with the newest CLI: a leak of one descriptor or thread per
/// task shows after 90 tasks as plainly as after 290, and the log's rotation size is cut so it still rotates about
/// 40 times. WEGENT_SOAK_TASKS sets the number (shorter locally, longer before a release).</summary>
[Trait("Category", "Soak")]
public sealed partial class SoakTests(ITestOutputHelper output)
{
    // About 1.7 KiB: 100 tasks write ~70 KiB at DEBUG, so the log rotates ~40 times while tasks run and log concurrently.
    private const string LogMaxSizeMegabytes = "0.0017";
    private const long LogMaxBytes = 1783;
    // Large enough that no backup is ever dropped, so every line written is still there to be counted.
    private const int LogBackupCount = 100;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - \[[a-z]+\] - (\[in [^\]]+\] - )?(DEBUG|INFO|WARNING|ERROR|CRITICAL) - ")]
    private static partial Regex LogLine();

    /// <summary>A line header anywhere after the start: two lines glued together by a torn write.</summary>
    [GeneratedRegex(@".\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - \[[a-z]+\] - (\[in [^\]]+\] - )?(DEBUG|INFO|WARNING|ERROR|CRITICAL) - ")]
    private static partial Regex HeaderInsideALine();

    /// <summary>The level part of a header in a line that does not start with one: the rest of a torn header.</summary>
    [GeneratedRegex(@" - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - ")]
    private static partial Regex LevelPart();

    [GeneratedRegex(@" - Received task:execute for task (\d+) subtask (\d+)$")]
    private static partial Regex Receipt();

    [SoakFact]
    public async Task Hundreds_of_mixed_tasks_leak_no_process_descriptor_or_thread_and_lose_no_log_line_across_rotations()
    {
        var count = SoakFactAttribute.TaskCount;
        Assert.True(count >= 12, "WEGENT_SOAK_TASKS must be at least 12: the baseline is taken after 10 tasks");
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend, new()
        {
            ["LOCAL_AGENT_MAX_RETRIES"] = "0",
            ["WEGENT_EXECUTOR_LOG_MAX_SIZE"] = LogMaxSizeMegabytes,
            ["WEGENT_EXECUTOR_LOG_BACKUP_COUNT"] = LogBackupCount.ToString(CultureInfo.InvariantCulture),
        });
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

        var statuses = new Dictionary<string, int>();
        var subtasks = new List<long>();
        ProcessSample? baseline = null;
        var started = TimeProvider.System.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            if (i == 10) baseline = ProcessSample.Of(executor.Process.Id);
            var kind = i % 3;
            var scenario = kind switch { 0 => "echo", 1 => "error:500", _ => "slow:20" };
            var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = $"task {i}", ["scenario"] = scenario });
            subtasks.Add(subtaskId);
            if (kind == 2)
            {
                await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");
                await backend.Api.CancelAsync(taskId);
            }

            var final = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
            var status = final["status"]!.GetValue<string>();
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        await Wait.UntilAsync(() => ProcessScan.RunningUnder(executor.Workspace).Count == 0, "no agent process left");
        var end = ProcessSample.Of(executor.Process.Id);
        output.WriteLine($"{count} tasks in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0} s: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}");
        output.WriteLine($"after 10 tasks: {baseline}; after {count}: {end}");
        Assert.Equal(count / 3 + (count % 3 > 0 ? 1 : 0), statuses.GetValueOrDefault("COMPLETED"));
        Assert.Equal(count, statuses.Values.Sum());
        Assert.True(end.OpenFiles <= baseline!.OpenFiles + 5,
            $"descriptors grew: {baseline.OpenFiles} → {end.OpenFiles}, new: {string.Join(", ", end.Descriptors.Except(baseline.Descriptors))}");
        Assert.True(end.Threads <= baseline.Threads + 5, $"threads grew: {baseline.Threads} → {end.Threads}");
        Assert.True(end.ResidentMegabytes <= baseline.ResidentMegabytes * 1.10 + 2, $"memory grew: {baseline.ResidentMegabytes:0.0} → {end.ResidentMegabytes:0.0} MB");

        executor.Process.Signal(UnixSignal.Terminate);
        await executor.Process.WaitForExitAsync();
        var log = RotatedLog.Read(Path.Combine(executor.Home, "logs"), "executor.log");
        output.WriteLine(log.ToString());
        AssertRotatedWithinLimits(log);
        AssertNoTornLine(log);
        AssertEveryTaskReceivedExactlyOnceInOrder(log, subtasks);
    }

    private static void AssertRotatedWithinLimits(RotatedLog log)
    {
        // Backups are .1 (newest) to .N without a gap, none was dropped, and each is at most the limit, so the number
        // of rotations is the number of backups and at least what the bytes written call for.
        Assert.Equal(Enumerable.Range(1, log.Backups), log.BackupNumbers);
        Assert.True(log.Backups < LogBackupCount, $"{log.Backups} backups: the oldest may have been dropped, lines could not all be counted");
        // Only a single event larger than the limit may exceed it, alone in its file.
        Assert.All(log.Files, file => Assert.True(file.Bytes <= LogMaxBytes || file.Lines.Count(LogLine().IsMatch) == 1, $"{file.Name} has {file.Bytes} bytes"));
        Assert.True(log.Backups >= log.TotalBytes / LogMaxBytes, $"only {log.Backups} rotations for {log.TotalBytes} bytes");
        Assert.True(log.Backups >= 1, "the soak did not exercise rotation");
    }

    /// <summary>The sink writes each event (with its continuation lines, e.g. an exception) whole under one lock, so
    /// every file starts with a line header and ends with a newline, and no header appears inside a line. Lines without
    /// a header are continuation lines of a multi-line event; they are counted and reported.</summary>
    private static void AssertNoTornLine(RotatedLog log)
    {
        foreach (var file in log.Files.Where(file => file.Lines.Count > 0))
        {
            Assert.True(file.EndsWithNewline, $"{file.Name} ends inside a line");
            Assert.Matches(LogLine(), file.Lines[0]);
        }

        var glued = log.AllLines.Where(line => HeaderInsideALine().IsMatch(line)).ToList();
        Assert.True(glued.Count == 0, $"torn lines: {string.Join('\n', glued.Take(5))}");
        var headerRests = log.AllLines.Where(line => !LogLine().IsMatch(line) && LevelPart().IsMatch(line)).ToList();
        Assert.True(headerRests.Count == 0, $"lines starting inside a header: {string.Join('\n', headerRests.Take(5))}");
    }

    private static void AssertEveryTaskReceivedExactlyOnceInOrder(RotatedLog log, IReadOnlyList<long> subtasks)
    {
        var received = log.AllLines.Select(line => Receipt().Match(line)).Where(match => match.Success)
            .Select(match => long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();
        // Tasks ran one after the other, so reading .N … .1 then the live file must meet their receipts in order:
        // a lost, duplicated or misordered backup would break the sequence.
        Assert.Equal(subtasks, received);
    }

    /// <summary>One file of a rotated log.</summary>
    private sealed record LogFile(string Name, long Bytes, IReadOnlyList<string> Lines, bool EndsWithNewline);

    /// <summary>The live file and its numbered backups, oldest first.</summary>
    private sealed record RotatedLog(IReadOnlyList<LogFile> Files, IReadOnlyList<int> BackupNumbers, int ContinuationLines)
    {
        public int Backups => BackupNumbers.Count;

        public long TotalBytes => Files.Sum(file => file.Bytes);

        public IEnumerable<string> AllLines => Files.SelectMany(file => file.Lines);

        public static RotatedLog Read(string directory, string liveName)
        {
            // The pattern "name.*" also matches "name" itself.
            var numbers = Directory.GetFiles(directory, liveName + ".*")
                .Select(Path.GetFileName).Where(name => name != liveName)
                .Select(name => name![(liveName.Length + 1)..])
                .Select(suffix => int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new InvalidOperationException($"unexpected log file {liveName}.{suffix}"))
                .Order().ToList();
            var names = numbers.AsEnumerable().Reverse().Select(n => $"{liveName}.{n.ToString(CultureInfo.InvariantCulture)}").Append(liveName);
            var files = names.Select(name =>
            {
                var text = File.ReadAllText(Path.Combine(directory, name));
                var lines = text.Split('\n');
                return new LogFile(name, new FileInfo(Path.Combine(directory, name)).Length, text.EndsWith('\n') ? lines[..^1] : lines, text.Length == 0 || text.EndsWith('\n'));
            }).ToList();
            var continuation = files.SelectMany(file => file.Lines).Count(line => !LogLine().IsMatch(line));
            return new RotatedLog(files, numbers, continuation);
        }

        public override string ToString() =>
            $"log: {Files.Count} files ({Backups} rotations), {TotalBytes / 1024} KiB, {AllLines.Count()} lines ({ContinuationLines} continuation lines of multi-line events)";
    }
}

/// <summary>The soak: part of the E2E suite (so of scripts/test and CI). WEGENT_SOAK_TASKS sets the number of tasks.</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        Timeout = (int)TimeSpan.FromMinutes(60).TotalMilliseconds;
        Skip = Prerequisites.SkipReason();
    }

    private const int DefaultTaskCount = 100;

    public static int TaskCount =>
        int.TryParse(Environment.GetEnvironmentVariable("WEGENT_SOAK_TASKS"), CultureInfo.InvariantCulture, out var count) ? count : DefaultTaskCount;
}

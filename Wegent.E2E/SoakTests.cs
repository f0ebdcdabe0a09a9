using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wegent.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>Many tasks back to back through one executor: nothing may leak and the rotating log must lose no line.
/// Minutes long, so opt-in: WEGENT_SOAK=1 (WEGENT_SOAK_TASKS sets the count, default 300).</summary>
[Trait("Category", "Soak")]
public sealed partial class SoakTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - \[[a-z]+\] - (\[in [^\]]+\] - )?(DEBUG|INFO|WARNING|ERROR|CRITICAL) - ")]
    private static partial Regex LogLine();

    [SoakFact]
    public async Task Hundreds_of_mixed_tasks_leak_no_process_descriptor_or_thread_and_lose_no_log_line()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("WEGENT_SOAK_TASKS"), CultureInfo.InvariantCulture, out var n) ? n : 300;
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend, new()
        {
            ["LOCAL_AGENT_MAX_RETRIES"] = "0",
            ["WEGENT_EXECUTOR_LOG_MAX_SIZE"] = "1",
            ["WEGENT_EXECUTOR_LOG_BACKUP_COUNT"] = "100",
        });
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

        var statuses = new Dictionary<string, int>();
        ProcessSample? baseline = null;
        for (var i = 0; i < count; i++)
        {
            if (i == 10) baseline = ProcessSample.Of(executor.Process.Id);
            var kind = i % 3;
            var scenario = kind switch { 0 => "echo", 1 => "error:500", _ => "slow:20" };
            var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = $"task {i}", ["scenario"] = scenario });
            if (kind == 2)
            {
                await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");
                await backend.Api.CancelAsync(taskId);
            }

            var final = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
            var status = final["status"]!.GetValue<string>();
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        await Eventually.TrueAsync(() => ProcessScan.RunningUnder(executor.Workspace).Count == 0, "no agent process left");
        var end = ProcessSample.Of(executor.Process.Id);
        output.WriteLine($"{count} tasks: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}");
        output.WriteLine($"after 10 tasks: {baseline}; after {count}: {end}");
        Assert.Equal(count / 3 + (count % 3 > 0 ? 1 : 0), statuses.GetValueOrDefault("COMPLETED"));
        Assert.Equal(count, statuses.Values.Sum());
        Assert.True(end.OpenFiles <= baseline!.OpenFiles + 5, $"descriptors grew: {baseline.OpenFiles} → {end.OpenFiles}");
        Assert.True(end.Threads <= baseline.Threads + 5, $"threads grew: {baseline.Threads} → {end.Threads}");
        Assert.True(end.ResidentMegabytes <= baseline.ResidentMegabytes * 1.10 + 2, $"memory grew: {baseline.ResidentMegabytes:0.0} → {end.ResidentMegabytes:0.0} MB");

        executor.Process.Signal(PosixSignalKind.Terminate);
        await executor.Process.WaitForExitAsync();
        var logFiles = Directory.GetFiles(Path.Combine(executor.Home, "logs"), "executor.log*");
        var lines = logFiles.SelectMany(File.ReadLines).ToArray();
        var received = lines.Count(line => line.Contains("Received task:execute for task", StringComparison.Ordinal));
        // 1 MB is the smallest rotation size the setting allows; rotation itself is unit-tested with tiny sizes.
        var logBytes = logFiles.Sum(file => new FileInfo(file).Length);
        output.WriteLine($"log: {logFiles.Length} files, {logBytes / 1024} KiB, {lines.Length} lines, {received} task receipts");
        Assert.Equal(logBytes > 1024 * 1024, logFiles.Length > 1);
        Assert.Equal(count, received);
        // Not torn: every file ends with a whole line, and every line that starts like a log line is one.
        Assert.All(logFiles, file => Assert.EndsWith("\n", File.ReadAllText(file), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Length > 0 && char.IsDigit(line[0]) && !LogLine().IsMatch(line));
    }
}

public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        Timeout = (int)TimeSpan.FromMinutes(60).TotalMilliseconds;
        Skip = Environment.GetEnvironmentVariable("WEGENT_SOAK") != "1"
            ? "Soak test: minutes long; set WEGENT_SOAK=1 to run it."
            : Prerequisites.SkipReason();
    }
}

using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Real tasks: dispatched through the dev backend, run by the real Claude Code CLI against the scripted model.</summary>
public sealed class TaskExecutionTests
{
    private static async Task<(DevBackend Backend, ExecutorProcess Executor)> StartAsync()
    {
        var backend = await DevBackend.StartAsync();
        var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");
        return (backend, executor);
    }

    private static IEnumerable<JsonObject> Events(JsonObject task, string eventName) =>
        task["events"]!.AsArray().Select(e => e!.AsObject()).Where(e => e["event"]?.GetValue<string>() == eventName);

    private static void AssertNoProtocolFaults(JsonObject task)
    {
        var faults = task["events"]!.AsArray().Select(e => e!["event"]?.GetValue<string>())
            .Where(name => name is "protocol_violation" or "stream_mismatch").ToArray();
        Assert.Empty(faults);
    }

    [E2EFact]
    public async Task Writes_hello_py_streaming_progress_until_completed()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Write hello.py", ["scenario"] = "write-file" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        var value = subtask["result"]!["value"]!.GetValue<string>();
        Assert.Contains("I created hello.py, which prints Hello, World!", value, StringComparison.Ordinal);
        Assert.Equal(value, subtask["streamed_text"]!.GetValue<string>());
        Assert.Equal("print(\"Hello, World!\")\n", await File.ReadAllTextAsync(Path.Combine(executor.Workspace, taskId.ToString(System.Globalization.CultureInfo.InvariantCulture), "hello.py")));

        var task = await backend.Api.TaskAsync(taskId);
        var progress = Events(task, "task:progress").Where(e => e["direction"]?.GetValue<string>() == "in").Select(e => e["payload"]!).ToArray();
        Assert.Equal(10, progress[0]["progress"]!.GetValue<int>());
        Assert.All(progress, p => Assert.Equal("RUNNING", p["status"]!.GetValue<string>()));
        Assert.Contains(progress, p => p["result"]!["thinking"]!.AsArray().Any(step => step!["title"]!.GetValue<string>().Contains("Write", StringComparison.Ordinal)));
        Assert.Equal(1, subtask["complete_count"]!.GetValue<int>());
        AssertNoProtocolFaults(task);
    }

    [E2EFact]
    public async Task Streams_text_as_it_arrives()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Stream", ["scenario"] = "slow:4" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId,
            s => s["status"]?.GetValue<string>() == "RUNNING" && s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming while running");
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        var final = subtask["result"]!["value"]!.GetValue<string>();
        Assert.Equal(final, subtask["streamed_text"]!.GetValue<string>());
        var task = await backend.Api.TaskAsync(taskId);
        var values = Events(task, "task:progress").Where(e => e["direction"]?.GetValue<string>() == "in")
            .Select(e => e["payload"]!["result"]!["value"]!.GetValue<string>()).Where(v => v.Length > 0).ToArray();
        Assert.True(values.Distinct().Count() >= 3, $"the answer should grow over several snapshots, saw {values.Length}");
        Assert.All(values.Zip(values.Skip(1)), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        Assert.StartsWith(values[^1], final, StringComparison.Ordinal);
        AssertNoProtocolFaults(task);
    }

    [E2EFact]
    public async Task A_long_multilingual_answer_arrives_whole_in_every_snapshot()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;
        // Larger than one 32 KB websocket fragment many times over, with 1-, 2-, 3- and 4-byte characters and escapes,
        // so fragment and block boundaries fall inside characters.
        var prompt = string.Join('\n', Enumerable.Range(0, 4_000).Select(i => $"{i:D4} añ你😀 \"q\""));

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = prompt, ["scenario"] = "echo" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        var final = subtask["result"]!["value"]!.GetValue<string>();
        Assert.Equal("Echo: " + prompt, final);
        Assert.Equal(final, subtask["streamed_text"]!.GetValue<string>());
        var task = await backend.Api.TaskAsync(taskId);
        var values = Events(task, "task:progress").Where(e => e["direction"]?.GetValue<string>() == "in")
            .Select(e => e["payload"]!["result"]!["value"]!.GetValue<string>()).Where(v => v.Length > 0).ToArray();
        Assert.Contains(values, v => System.Text.Encoding.UTF8.GetByteCount(v) > 64 * 1024);
        Assert.All(values, v => Assert.StartsWith(v, final, StringComparison.Ordinal));
        AssertNoProtocolFaults(task);
    }

    [E2EFact]
    public async Task Cancel_during_a_bash_tool_reports_cancelled_and_leaves_no_process()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Sleep", ["scenario"] = "bash:sleep 600" });
        var taskDirectory = Path.Combine(executor.Workspace, taskId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.TrueAsync(() => ProcessScan.RunningUnder(taskDirectory).Count >= 2, "the CLI and its Bash tool to run");

        await backend.Api.CancelAsync(taskId);
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("CANCELLED", subtask["status"]!.GetValue<string>());
        await Eventually.TrueAsync(() => ProcessScan.RunningUnder(taskDirectory).Count == 0, "every agent process to end");
        Assert.Equal(0, subtask["complete_count"]!.GetValue<int>());
        AssertNoProtocolFaults(await backend.Api.TaskAsync(taskId));
    }

    [E2EFact]
    public async Task A_backend_restarted_mid_task_still_receives_the_final_result()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Stream", ["scenario"] = "slow:5" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");

        await backend.KillBackendAsync();
        await backend.StartBackendAsync();
        var subtask = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["status"]?.GetValue<string>() == "COMPLETED", "completed after the restart");

        Assert.Contains("slow-", subtask["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(subtask["result"]!["value"]!.GetValue<string>(), subtask["streamed_text"]!.GetValue<string>());
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered again");
    }

    [E2EFact]
    public async Task A_malformed_payload_is_failed_and_the_executor_keeps_working()
    {
        var (backend, executor) = await StartAsync();
        await using var _ = backend;
        await using var __ = executor;

        var (badTaskId, badSubtaskId) = await backend.Api.CreateTaskAsync(new JsonObject
        {
            ["prompt"] = "ignored",
            ["payload_overrides"] = new JsonObject { ["prompt"] = 42 },
        });
        var failed = await backend.Api.WaitForFinalAsync(badTaskId, badSubtaskId);
        await backend.Api.EmitAsync(executor.DeviceId, "task:execute", "not an object");
        await backend.Api.EmitAsync(executor.DeviceId, "task:cancel", new JsonObject { ["subtask_id"] = "x" });

        Assert.Equal("FAILED", failed["status"]!.GetValue<string>());
        Assert.Contains("prompt is the number 42: expected a string", failed["error_message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "still there?", ["scenario"] = "echo" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
        Assert.Equal("COMPLETED", subtask["status"]!.GetValue<string>());
        Assert.Contains("Echo: still there?", subtask["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(executor.Process.HasExited);
    }
}

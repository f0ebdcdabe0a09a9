using System.Globalization;
using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Wegent.Executor.Processes;
using Xunit.Abstractions;

namespace Wegent.E2E;

/// <summary>The task tests: real tasks dispatched through the dev backend and run by the real Claude Code CLI against the
/// scripted model, each against both backend generations, with what each generation must have recorded (its event
/// sequence is written to the test output). Category Tasks: scripts/test runs them once more, against the Responses-API
/// generation, with the newest Claude Code CLI.</summary>
[Trait("Category", "Tasks")]
public sealed class TaskExecutionTests(ITestOutputHelper output)
{
    private static string Status(JsonObject subtask) => subtask["status"]!.GetValue<string>();

    private static string Value(JsonObject subtask) => subtask["result"]!["value"]!.GetValue<string>();

    private static string Streamed(JsonObject subtask) => subtask["streamed_text"]!.GetValue<string>();

    private static string TaskDirectory(ExecutorProcess executor, long taskId) => Path.Combine(executor.Workspace, taskId.ToString(CultureInfo.InvariantCulture));

    /// <summary>What the backend recorded of the task; the subtask's event sequence goes to the test output.</summary>
    private async Task<RecordedTask> RecordedAsync(DevBackend backend, BackendGeneration generation, long taskId, long subtaskId, string what)
    {
        var recorded = await RecordedTask.ReadAsync(backend.Api, taskId);
        output.WriteLine($"{generation}, {what}: {recorded.Sequence(subtaskId, backend.Kills)}");
        return recorded;
    }

    /// <summary>The January generation's snapshots: the non-empty <c>result.value</c> of each <c>task:progress</c>.</summary>
    private static string[] Snapshots(RecordedTask recorded, long subtaskId) =>
        [.. recorded.Received(subtaskId).Where(e => e.Name == "task:progress").Select(e => e.Payload!["result"]!["value"]!.GetValue<string>()).Where(v => v.Length > 0)];

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task Streams_text_as_it_arrives_and_stores_the_whole_answer(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var backend = rig.Backend;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Stream", ["scenario"] = "slow:4" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => Status(s) == "RUNNING" && Streamed(s).Length > 0, "streaming while running");
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", Status(subtask));
        Assert.Equal(ScriptedAnswers.Slow(4), Value(subtask));
        Assert.Equal(Value(subtask), Streamed(subtask));
        var recorded = await RecordedAsync(backend, generation, taskId, subtaskId, "a streamed task");
        if (generation == BackendGeneration.Responses)
        {
            Assert.Equal(Value(subtask), RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Completed));
            var deltas = recorded.Received(subtaskId).Count(e => e.Name == RecordedAssert.TextDelta);
            Assert.True(deltas >= 3, $"the answer should stream as several deltas, saw {deltas}");
        }
        else
        {
            RecordedAssert.Legacy(recorded, subtaskId, "COMPLETED");
            var values = Snapshots(recorded, subtaskId);
            Assert.True(values.Distinct().Count() >= 3, $"the answer should grow over several snapshots, saw {values.Length}");
            Assert.All(values.Zip(values.Skip(1)), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
            Assert.StartsWith(values[^1], Value(subtask), StringComparison.Ordinal);
        }
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task Writes_hello_py_with_a_tool_step_until_completed(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var (backend, executor) = rig;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Write hello.py", ["scenario"] = "write-file" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", Status(subtask));
        Assert.Equal(ScriptedAnswers.WriteFile, Value(subtask));
        Assert.Equal(Value(subtask), Streamed(subtask));
        Assert.Equal("print(\"Hello, World!\")\n", await File.ReadAllTextAsync(Path.Combine(TaskDirectory(executor, taskId), "hello.py")));
        Assert.Equal(1, subtask["complete_count"]!.GetValue<int>());
        var recorded = await RecordedAsync(backend, generation, taskId, subtaskId, "a task with a tool step");
        if (generation == BackendGeneration.Responses)
        {
            Assert.Equal(Value(subtask), RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Completed));
            // The Write step as a block: created pending, then updated done, both before the answer's text.
            var events = recorded.Received(subtaskId).ToList();
            var created = Assert.Single(events, e => e.Name == RecordedAssert.BlockCreated);
            var block = created.Data["block"]!;
            Assert.Equal("Write", block["tool_name"]!.GetValue<string>());
            Assert.Equal("pending", block["status"]!.GetValue<string>());
            Assert.EndsWith("hello.py", block["tool_input"]!["file_path"]!.GetValue<string>(), StringComparison.Ordinal);
            var updated = Assert.Single(events, e => e.Name == RecordedAssert.BlockUpdated);
            Assert.Equal(block["id"]!.GetValue<string>(), updated.Data["block_id"]!.GetValue<string>());
            Assert.Equal("done", updated.Data["updates"]!["status"]!.GetValue<string>());
            Assert.True(events.IndexOf(created) < events.IndexOf(updated) && events.IndexOf(updated) < events.FindIndex(e => e.Name == RecordedAssert.TextDelta),
                "the tool step comes before the answer");
            var stored = Assert.Single(subtask["result"]!["blocks"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "tool");
            Assert.Equal("done", stored!["status"]!.GetValue<string>());
        }
        else
        {
            RecordedAssert.Legacy(recorded, subtaskId, "COMPLETED");
            var progress = recorded.Received(subtaskId).Where(e => e.Name == "task:progress").Select(e => e.Payload!).ToArray();
            Assert.Equal(10, progress[0]["progress"]!.GetValue<int>());
            Assert.All(progress, p => Assert.Equal("RUNNING", p["status"]!.GetValue<string>()));
            Assert.Contains(progress, p => p["result"]!["thinking"]!.AsArray().Any(step => step!["title"]!.GetValue<string>().Contains("Write", StringComparison.Ordinal)));
        }
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task An_api_error_fails_the_task_with_the_clis_message(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var backend = rig.Backend;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Hi", ["scenario"] = "error:500" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("FAILED", Status(subtask));
        const string Message = "API Error: 500 Scripted 500 error";
        Assert.Contains(Message, subtask["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        var recorded = await RecordedAsync(backend, generation, taskId, subtaskId, "a failure");
        if (generation == BackendGeneration.Responses)
        {
            RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Error);
            var error = recorded.Received(subtaskId)[^1].Data;
            Assert.Equal("runtime_error", error["code"]!.GetValue<string>());
            Assert.Contains(Message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("runtime_error", subtask["result"]!["error_type"]!.GetValue<string>());
        }
        else
        {
            RecordedAssert.Legacy(recorded, subtaskId, "FAILED");
        }
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task Cancel_during_a_bash_tool_reports_cancelled_and_leaves_no_process(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var (backend, executor) = rig;

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Sleep", ["scenario"] = ScriptedAnswers.LongBashStep });
        var taskDirectory = TaskDirectory(executor, taskId);
        await Wait.UntilAsync(() => ProcessScan.RunningUnder(taskDirectory).Count >= 2, "the CLI and its Bash tool to run");

        await backend.Api.CancelAsync(taskId);
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("CANCELLED", Status(subtask));
        await Wait.UntilAsync(() => ProcessScan.RunningUnder(taskDirectory).Count == 0, "every agent process to end");
        var recorded = await RecordedAsync(backend, generation, taskId, subtaskId, "a cancel");
        if (generation == BackendGeneration.Responses)
        {
            RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Incomplete);
            var history = recorded.Of(subtaskId).Select(e => e.ToString()).ToList();
            Assert.True(history.IndexOf("out task:cancel") < history.IndexOf("in " + RecordedAssert.Incomplete), "response.incomplete answers the cancel");
            Assert.Equal(1, subtask["complete_count"]!.GetValue<int>());
        }
        else
        {
            RecordedAssert.Legacy(recorded, subtaskId, "CANCELLED");
            Assert.Equal(0, subtask["complete_count"]!.GetValue<int>());
        }
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task A_follow_up_resumes_the_session_after_an_executor_restart_and_new_session_starts_afresh(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var (backend, executor) = rig;
        var (taskId, first) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "first question", ["scenario"] = "history" });
        Assert.Equal(ScriptedAnswers.History("first question"), Value(await backend.Api.WaitForFinalAsync(taskId, first)));

        executor.Process.Signal(UnixSignal.Terminate);
        Assert.Equal(0, await executor.Process.WaitForExitAsync());
        await executor.Process.DisposeAsync();
        executor.Launch();
        await rig.WaitRegisteredAsync();
        var second = await backend.Api.FollowUpAsync(taskId, new JsonObject { ["prompt"] = "second question", ["scenario"] = "history" });
        var resumed = await backend.Api.WaitForFinalAsync(taskId, second);
        var third = await backend.Api.FollowUpAsync(taskId, new JsonObject { ["prompt"] = "third question", ["scenario"] = "history", ["new_session"] = true });
        var fresh = await backend.Api.WaitForFinalAsync(taskId, third);

        Assert.Equal(ScriptedAnswers.History("first question", "second question"), Value(resumed));
        Assert.Equal(ScriptedAnswers.History("third question"), Value(fresh));
        var recorded = await RecordedAsync(backend, generation, taskId, second, "a follow-up (resumed session)");
        // The executor's restart closed its socket: the backend notes when its disconnect grace ended.
        foreach (var subtaskId in (long[])[first, second, third])
        {
            if (generation == BackendGeneration.Responses) RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Completed, "disconnect_grace_over");
            else RecordedAssert.Legacy(recorded, subtaskId, "COMPLETED");
        }
    }

    /// <summary>The task finishes while the backend is down, so its final result can only wait in the outbox; the executor
    /// is then killed too, and only the restarted executor can deliver it (nothing of it was ever sent before).</summary>
    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task A_final_result_waiting_in_the_outbox_when_the_executor_is_killed_is_delivered_after_the_restart(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var (backend, executor) = rig;
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Stream slowly", ["scenario"] = "slow:5" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => Streamed(s).Length > 0, "streaming");
        var entry = Path.Combine(executor.Home, "outbox", $"subtask-{subtaskId}.json");

        await backend.KillBackendAsync();
        await Wait.UntilAsync(() => File.Exists(entry), "the final result in the outbox");
        executor.Process.Signal(UnixSignal.Kill);
        await executor.Process.WaitForExitAsync();
        await backend.StartBackendAsync();
        Assert.True(File.Exists(entry), "the outbox entry survives the kill");
        Assert.Equal(0, (await backend.Api.SubtaskAsync(taskId, subtaskId))["complete_count"]!.GetValue<int>());

        executor.Launch();
        var final = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => Status(s) == "COMPLETED", "completed by the restarted executor");
        Assert.Equal(1, final["complete_count"]!.GetValue<int>());
        Assert.Equal(ScriptedAnswers.Slow(5), Value(final));
        await Wait.UntilAsync(() => !File.Exists(entry), "the outbox entry removed once acknowledged");
        var recorded = await RecordedAsync(backend, generation, taskId, subtaskId, "a final delivered from the outbox after a restart");
        if (generation == BackendGeneration.Responses)
        {
            // Deltas stopped with the backend; the terminal event alone brought the rest.
            var streamed = RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Completed);
            Assert.True(streamed.Length < Value(final).Length && Value(final).StartsWith(streamed, StringComparison.Ordinal), $"streamed '{streamed}'");
        }
        else
        {
            RecordedAssert.Legacy(recorded, subtaskId, "COMPLETED");
        }
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task A_long_multilingual_answer_arrives_whole(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var backend = rig.Backend;
        // Larger than one 32 KB websocket fragment many times over, with 1-, 2-, 3- and 4-byte characters and escapes,
        // so fragment and block boundaries fall inside characters, and code points (offsets) differ from UTF-16 units.
        var prompt = string.Join('\n', Enumerable.Range(0, 4_000).Select(i => $"{i:D4} añ你😀 \"q\""));

        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = prompt, ["scenario"] = "echo" });
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);

        Assert.Equal("COMPLETED", Status(subtask));
        Assert.Equal(ScriptedAnswers.Echo(prompt), Value(subtask));
        Assert.Equal(Value(subtask), Streamed(subtask));
        var recorded = await RecordedTask.ReadAsync(backend.Api, taskId);
        if (generation == BackendGeneration.Responses)
        {
            Assert.Equal(Value(subtask), RecordedAssert.ResponsesStream(recorded, subtaskId, RecordedAssert.Completed));
            Assert.True(RecordedAssert.CodePoints(Value(subtask)) < Value(subtask).Length, "the answer has characters outside the BMP");
            Assert.True(recorded.Received(subtaskId).Count(e => e.Name == RecordedAssert.TextDelta) >= 2, "the answer streams as several deltas");
        }
        else
        {
            RecordedAssert.Legacy(recorded, subtaskId, "COMPLETED");
            var values = Snapshots(recorded, subtaskId);
            Assert.Contains(values, v => System.Text.Encoding.UTF8.GetByteCount(v) > 64 * 1024);
            Assert.All(values, v => Assert.StartsWith(v, Value(subtask), StringComparison.Ordinal));
        }
    }

    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task A_backend_killed_mid_stream_still_receives_the_whole_answer(BackendGeneration generation)
    {
        await using var rig = await TaskRig.StartAsync(generation);
        var backend = rig.Backend;
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Stream", ["scenario"] = "slow:5" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => Streamed(s).Length > 0, "streaming");

        await backend.KillBackendAsync();
        await backend.StartBackendAsync();
        var subtask = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => Status(s) == "COMPLETED", "completed after the restart");

        Assert.Equal(ScriptedAnswers.Slow(5), Value(subtask));
        await rig.WaitRegisteredAsync();
        var recorded = await RecordedAsync(backend, generation, taskId, subtaskId, "a backend kill mid-stream");
        if (generation == BackendGeneration.Responses)
        {
            var terminals = RecordedAssert.ResponsesAcrossOutages(recorded, subtaskId, ScriptedAnswers.Slow(5));
            Assert.Equal(terminals, subtask["complete_count"]!.GetValue<int>());
        }
        else
        {
            // The January backend shows the user what extends the text already streamed: the whole answer, in order.
            Assert.Equal(Value(subtask), Streamed(subtask));
            RecordedAssert.NoNotes(recorded, "subtask_failed_by_disconnect");
        }
    }
}

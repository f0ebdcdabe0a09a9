using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;
using Wegent.Executor.Processes;

namespace Wegent.E2E;

/// <summary>Connection, registration, refusal and shutdown of the real executor against the real dev backend, in the
/// generation a user meets today (Responses-API); registration against both.</summary>
public sealed class ExecutorLifecycleTests
{
    /// <summary>The January backend checks little of the registration and heartbeat; the newer one checks both strictly
    /// (a bad runtime capacity fails the whole heartbeat): both must accept what the executor sends.</summary>
    [E2ETheory]
    [MemberData(nameof(BackendGenerations.Both), MemberType = typeof(BackendGenerations))]
    public async Task Registers_with_the_backend_and_stays_online(BackendGeneration generation)
    {
        await using var backend = await DevBackend.StartAsync(generation);
        await using var executor = ExecutorProcess.Start(backend);

        var device = await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId
            && d["status"]?.GetValue<string>() == "online" && d["connected"]?.GetValue<bool>() == true, "online");

        Assert.Equal(["claude_code"], device["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Matches(@"^\d+\.\d+\.\d+", device["executor_version"]!.GetValue<string>());
        Assert.StartsWith(OperatingSystem.IsLinux() ? "Linux - " : "", device["name"]!.GetValue<string>(), StringComparison.Ordinal);
        await executor.Process.WaitForLineAsync("Heartbeat acknowledged");
    }

    [E2EFact]
    public async Task A_refused_token_exits_with_code_3_naming_the_cause()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend, token: "not-a-valid-token");

        var exitCode = await executor.Process.WaitForExitAsync();

        Assert.Equal(3, exitCode);
        Assert.Contains("Invalid or expired token", executor.Process.Output, StringComparison.Ordinal);
    }

    [E2EFact]
    public async Task A_generic_refusal_is_retried_and_exits_with_code_3_after_three_in_a_row()
    {
        await using var backend = await DevBackend.StartAsync(new() { ["WEGENT_DEV_REFUSAL_STYLE"] = "generic" });
        await using var executor = ExecutorProcess.Start(backend, token: "not-a-valid-token");

        var exitCode = await executor.Process.WaitForExitAsync();

        Assert.Equal(3, exitCode);
        Assert.Contains("Connection refused by server", executor.Process.Output, StringComparison.Ordinal);
        Assert.Contains("may be invalid or expired, or the backend is shutting down (3 times in a row; giving up)", executor.Process.Output, StringComparison.Ordinal);
    }

    [E2EFact]
    public async Task A_second_executor_on_the_same_home_fails_at_once()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await executor.Process.WaitForLineAsync("Registered as device");

        await using var second = executor.StartSecondOnSameHome();
        var exitCode = await second.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains($"Another wegent-executor is already running with home {executor.Home} (pid {executor.Process.Id})", second.Output, StringComparison.Ordinal);
        Assert.False(executor.Process.HasExited);
    }

    [E2EFact]
    public async Task Waits_for_a_backend_that_is_not_up_yet()
    {
        await using var backend = await DevBackend.StartAsync();
        await backend.KillBackendAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await executor.Process.WaitForLineAsync("Failed to connect to Backend WebSocket");

        await backend.StartBackendAsync();

        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "connected");
        Assert.False(executor.Process.HasExited);
    }

    [E2EFact]
    public async Task SIGKILL_mid_task_leaves_no_agent_process_and_the_task_is_reported_failed_after_the_restart()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Sleep", ["scenario"] = ScriptedAnswers.LongBashStep });
        var taskDirectory = Path.Combine(executor.Workspace, taskId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Wait.UntilAsync(() => ProcessScan.RunningUnder(taskDirectory).Count >= 2, "the CLI and its Bash tool to run");

        executor.Process.Signal(UnixSignal.Kill);
        await executor.Process.WaitForExitAsync();
        await Wait.UntilAsync(() => ProcessScan.RunningUnder(taskDirectory).Count == 0, "every agent process to end with its executor");
        executor.Launch();

        var subtask = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId,
            s => s["error_message"]?.GetValue<string>()?.Contains("executor restarted", StringComparison.Ordinal) == true, "reported as interrupted");
        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
    }

    [E2EFact]
    public async Task SIGTERM_during_a_task_reports_it_and_exits_0()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "go slowly", ["scenario"] = "slow:60" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");

        executor.Process.Signal(UnixSignal.Terminate);
        var exitCode = await executor.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
        Assert.Contains("executor was stopped", subtask["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(ProcessScan.RunningUnder(executor.Workspace));
    }

    [E2EFact]
    public async Task A_malformed_payload_is_failed_and_the_executor_keeps_working()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId && d["connected"]?.GetValue<bool>() == true, "registered");

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
        Assert.Equal(ScriptedAnswers.Echo("still there?"), subtask["result"]!["value"]!.GetValue<string>());
        Assert.False(executor.Process.HasExited);
    }
}

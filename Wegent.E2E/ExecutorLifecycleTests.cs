using System.Text.Json.Nodes;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Connection, registration, refusal and shutdown of the real executor against the real dev backend.</summary>
public sealed class ExecutorLifecycleTests
{
    [E2EFact]
    public async Task Registers_with_the_backend_and_stays_online()
    {
        await using var backend = await DevBackend.StartAsync();
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
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Sleep", ["scenario"] = "bash:sleep 600" });
        var taskDirectory = Path.Combine(executor.Workspace, taskId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.TrueAsync(() => ProcessScan.RunningUnder(taskDirectory).Count >= 2, "the CLI and its Bash tool to run");

        executor.Process.Signal(PosixSignalKind.Kill);
        await executor.Process.WaitForExitAsync();
        await Eventually.TrueAsync(() => ProcessScan.RunningUnder(taskDirectory).Count == 0, "every agent process to end with its executor");
        executor.Launch();

        var subtask = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId,
            s => s["error_message"]?.GetValue<string>()?.Contains("executor restarted", StringComparison.Ordinal) == true, "reported as interrupted");
        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
    }

    /// <summary>The task finishes while the backend is down, so its final result can only wait in the outbox; the executor
    /// is then killed too, and only the restarted executor can deliver it (nothing of it was ever sent before).</summary>
    [E2EFact]
    public async Task A_final_result_waiting_in_the_outbox_when_the_executor_is_killed_is_delivered_after_the_restart()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "Stream slowly", ["scenario"] = "slow:5" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");
        var entry = Path.Combine(executor.Home, "outbox", $"subtask-{subtaskId}.json");

        await backend.KillBackendAsync();
        await Eventually.TrueAsync(() => File.Exists(entry), "the final result in the outbox");
        executor.Process.Signal(PosixSignalKind.Kill);
        await executor.Process.WaitForExitAsync();
        await backend.StartBackendAsync();
        Assert.True(File.Exists(entry), "the outbox entry survives the kill");
        Assert.Equal(0, (await backend.Api.SubtaskAsync(taskId, subtaskId))["complete_count"]!.GetValue<int>());

        executor.Launch();
        var final = await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["status"]?.GetValue<string>() == "COMPLETED", "completed by the restarted executor");
        Assert.Equal(1, final["complete_count"]!.GetValue<int>());
        Assert.Contains("slow-0001", final["result"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        await Eventually.TrueAsync(() => !File.Exists(entry), "the outbox entry removed once acknowledged");
    }

    [E2EFact]
    public async Task SIGTERM_during_a_task_reports_it_and_exits_0()
    {
        await using var backend = await DevBackend.StartAsync();
        await using var executor = ExecutorProcess.Start(backend);
        await backend.Api.WaitForDeviceAsync(d => d["device_id"]?.GetValue<string>() == executor.DeviceId, "registered");
        var (taskId, subtaskId) = await backend.Api.CreateTaskAsync(new JsonObject { ["prompt"] = "go slowly", ["scenario"] = "slow:60" });
        await backend.Api.WaitForSubtaskAsync(taskId, subtaskId, s => s["streamed_text"]?.GetValue<string>() is { Length: > 0 }, "streaming");

        executor.Process.Signal(PosixSignalKind.Terminate);
        var exitCode = await executor.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        var subtask = await backend.Api.WaitForFinalAsync(taskId, subtaskId);
        Assert.Equal("FAILED", subtask["status"]!.GetValue<string>());
        Assert.Contains("executor was stopped", subtask["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(ProcessScan.RunningUnder(executor.Workspace));
    }
}

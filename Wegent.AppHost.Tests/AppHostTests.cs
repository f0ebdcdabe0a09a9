using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Wegent.AppHost.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.AppHost.Tests;

/// <summary>The AppHost as `scripts/run` starts it: resources healthy, the token a secret, and the dashboard commands
/// (Dispatch task, Cancel newest task, Doctor) doing what they say, driven through Aspire's command service.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(AppHostFixture fixture, ITestOutputHelper output)
{
    [AppHostFact]
    public async Task The_backend_token_is_a_fresh_secret_parameter()
    {
        output.WriteLine($"All resources healthy after {fixture.StartedIn.TotalSeconds:0.00} s");
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var token = Assert.IsType<ParameterResource>(model.Resources.Single(r => r.Name == WegentAppModel.TokenParameter));
        Assert.True(token.Secret);
        Assert.Matches("^dev-[0-9a-f]{32}$", await token.GetValueAsync(CancellationToken.None));
    }

    [AppHostFact]
    public async Task Dispatch_task_runs_a_task_to_completion_and_cancel_newest_cancels_a_running_one()
    {
        var written = await DispatchAsync("Write hello.py that prints Hello, World!", "write-file");
        var completed = await fixture.WaitForTaskAsync(written, status => status == "COMPLETED");
        Assert.Equal("I created hello.py, which prints Hello, World!", completed["subtasks"]![0]!["result"]!["value"]!.GetValue<string>());
        Assert.Equal("print(\"Hello, World!\")\n",
            await File.ReadAllTextAsync(Path.Combine(fixture.RunDirectory, "executor-home", "workspace", written.ToString(System.Globalization.CultureInfo.InvariantCulture), "hello.py")));

        var slow = await DispatchAsync("Take your time", "slow:60");
        await fixture.WaitForTaskAsync(slow, status => status == "RUNNING");
        var cancel = await fixture.App.ResourceCommands.ExecuteCommandAsync(WegentAppModel.Backend, BackendCommands.CancelNewest);
        Assert.True(cancel.Success, cancel.Message);
        Assert.Equal($"Cancel sent for task {slow}", cancel.Message);
        await fixture.WaitForTaskAsync(slow, status => status == "CANCELLED");

        var nothing = await fixture.App.ResourceCommands.ExecuteCommandAsync(WegentAppModel.Backend, BackendCommands.CancelNewest);
        Assert.False(nothing.Success);
        Assert.Equal("No task is running.", nothing.Message);
    }

    [AppHostFact]
    public async Task Doctor_runs_the_executors_doctor_with_its_settings()
    {
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(WegentAppModel.Executor, ExecutorDoctor.Command);

        var report = result.Data?.Value ?? "";
        output.WriteLine(report);
        Assert.True(result.Success, result.Message + "\n" + report);
        Assert.Contains("Token accepted", report, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Token, report, StringComparison.Ordinal);
    }

    [AppHostFact]
    public async Task Uvicorns_info_lines_are_not_shown_as_errors()
    {
        foreach (var resource in new[] { WegentAppModel.Model, WegentAppModel.Backend })
        {
            var lines = await fixture.ConsoleUntilAsync(resource, l => l.Content.Contains("Application startup complete", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Content.Contains("INFO:", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.IsErrorMessage);
        }
    }

    private async Task<long> DispatchAsync(string prompt, string scenario)
    {
        var arguments = new InteractionInputCollection(
        [
            new InteractionInput { Name = "prompt", InputType = InputType.Text, Value = prompt },
            new InteractionInput { Name = "scenario", InputType = InputType.Text, Value = scenario },
            new InteractionInput { Name = "repository", InputType = InputType.Text },
        ]);
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(WegentAppModel.Backend, BackendCommands.Dispatch, arguments, CancellationToken.None);
        Assert.True(result.Success, result.Message);
        var taskId = long.Parse(result.Message!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"/dev/tasks#task={taskId}", result.Data?.Value, StringComparison.Ordinal);
        return taskId;
    }
}

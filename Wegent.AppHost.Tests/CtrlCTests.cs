using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using Wegent.AppHost.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.AppHost.Tests;

/// <summary>`dotnet run --project Wegent.AppHost` as a user starts it in a terminal, stopped as a terminal's Ctrl-C stops
/// it: SIGINT to its process group. Every process of the run must be gone afterwards, including the agent of a task that
/// was running and the processes DCP starts in sessions of their own (which no Ctrl-C reaches).</summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CtrlCTests(ITestOutputHelper output)
{
    /// <summary>A run of its own, alone: after the shared run's collection, not beside it.</summary>
    public const string Name = "AppHost process";

    private const string MarkerVariable = "WEGENT_CTRL_C_TEST_RUN";
    private const ulong SigInt = 1UL << (2 - 1);
    private const string DcpProgram = "/tools/dcp ";

    [AppHostFact]
    public async Task Ctrl_C_stops_every_process_of_the_run_even_mid_task()
    {
        var marker = Guid.NewGuid().ToString("N");
        var run = Directory.CreateTempSubdirectory("wegent-ctrl-c-");
        var token = "dev-" + marker;
        var appHost = StartAppHost(marker, token, run.FullName);
        try
        {
            var backend = new Uri((await appHost.WaitForLineAsync("Backend: ")).Split(' ')[1]);
            await appHost.WaitForLineAsync("All resources healthy in");
            // A terminal's foreground job: SIGINT is not ignored by the first process nor by the AppHost it starts.
            foreach (var process in ProcessScan.Marked(MarkerVariable, marker).Where(p => p.Id == appHost.Process.Id || p.ParentId == appHost.Process.Id))
            {
                Assert.True((ProcessScan.IgnoredSignals(process.Id) & SigInt) == 0, $"SIGINT is ignored by {process}");
            }

            await DispatchAsync(backend, token, "bash:sleep 600");
            IReadOnlyList<ScannedProcess> running = [];
            await Wait.UntilAsync(() => (running = ProcessScan.Marked(MarkerVariable, marker)).Any(p => p.CommandLine.Contains("sleep 600", StringComparison.Ordinal)),
                "the task's Bash tool (sleep 600) to run");
            output.WriteLine("Processes of the run before Ctrl-C:\n" + string.Join('\n', running));
            AssertEveryKindIsThere(running);
            Assert.Equal(4, ResourceProcesses(running).Count());

            Signal("INT", -appHost.Process.Id);
            using (var exit = new CancellationTokenSource(Wait.DefaultTimeout))
            {
                await appHost.Process.WaitForExitAsync(exit.Token);
            }

            // Back at the prompt, every resource has stopped (what remains is on its way out: DCP's own processes, the
            // executor's orphan reaper finishing its last pass).
            Assert.DoesNotContain(ResourceProcesses(running), p => p.IsAlive);
            try
            {
                await Wait.UntilAsync(() => Survivors(running, marker).Count == 0, "every process of the run to end");
            }
            catch (TimeoutException)
            {
                Assert.Fail("Left running after Ctrl-C:\n" + string.Join('\n', Survivors(running, marker)));
            }
        }
        finally
        {
            // Whatever a failure left behind is this run's own (its marker or its tree): end it.
            foreach (var process in ProcessScan.Marked(MarkerVariable, marker)) Signal("KILL", process.Id);
            appHost.Process.Dispose();
            run.Delete(recursive: true);
        }
    }

    private AppHostProcess StartAppHost(string marker, string token, string run)
    {
        var configuration = typeof(CtrlCTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        // Its own session and process group (like a terminal's job), with SIGINT at its default even where this test runs
        // with it ignored (a background job does).
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = TestPrerequisites.Layout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [MarkerVariable] = marker },
        };
        foreach (var argument in new[]
                 {
                     "env", "--default-signal=INT", "dotnet", "run", "--no-build", "-c", configuration, "--project", "Wegent.AppHost", "--",
                     "--scripted-model", "--token", token, "--run-dir", run, "--dashboard-port", "0",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        return new AppHostProcess(Process.Start(start)!, output);
    }

    private static async Task DispatchAsync(Uri backend, string token, string scenario)
    {
        using var http = new HttpClient { BaseAddress = backend };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.PostAsJsonAsync("/api/tasks", new JsonObject { ["prompt"] = "Sleep", ["scenario"] = scenario });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The scan found the whole run, not a part of it (the names only check what the marker found).</summary>
    private static void AssertEveryKindIsThere(IReadOnlyList<ScannedProcess> run)
    {
        foreach (var (kind, part) in new[]
                 {
                     ("DCP", "dcp start-apiserver"), ("DCP's controllers", "dcp run-controllers"), ("the dashboard", "Aspire.Dashboard"),
                     ("the model", "app.scripted_model:app"), ("the backend", "app.main:app"), ("the executor", "wegent-executor"),
                     ("the Claude Code CLI", "--output-format stream-json"),
                 })
        {
            Assert.True(run.Any(p => p.CommandLine.Contains(part, StringComparison.Ordinal)), $"No process of {kind} was found among:\n" + string.Join('\n', run));
        }
    }

    /// <summary>The processes DCP started for the resources (model, backend, dashboard, the executor's `dotnet run`, which
    /// ends only after the executor): children of DCP's controller that are not DCP's own helpers.</summary>
    private static IEnumerable<ScannedProcess> ResourceProcesses(IReadOnlyList<ScannedProcess> run) =>
        run.Where(p => !p.CommandLine.Contains(DcpProgram, StringComparison.Ordinal)
            && run.Any(parent => parent.Id == p.ParentId && parent.CommandLine.Contains(DcpProgram + "run-controllers", StringComparison.Ordinal)));

    /// <summary>What is still alive of the processes seen before, and any new process carrying the run's marker.</summary>
    private static List<ScannedProcess> Survivors(IReadOnlyList<ScannedProcess> before, string marker) =>
        [.. before.Where(p => p.IsAlive).Concat(ProcessScan.Marked(MarkerVariable, marker).Where(p => !ProcessScan.IsZombie(p.Id))).DistinctBy(p => p.Id)];

    private static void Signal(string signal, int target)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, "--", target.ToString(CultureInfo.InvariantCulture) }, RedirectStandardError = true })!;
        kill.WaitForExit();
    }

    /// <summary>The AppHost's process and its output lines (both streams), which a test can wait for.</summary>
    private sealed class AppHostProcess
    {
        private readonly List<string> _lines = [];
        private readonly ITestOutputHelper _output;

        public AppHostProcess(Process process, ITestOutputHelper output)
        {
            Process = process;
            _output = output;
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public async Task<string> WaitForLineAsync(string prefix)
        {
            try
            {
                return await Wait.ForValueAsync(() => Find(prefix), $"the AppHost to print \"{prefix}\"");
            }
            catch (TimeoutException timedOut)
            {
                lock (_lines) throw new TimeoutException($"{timedOut.Message}; it printed:\n" + string.Join('\n', _lines));
            }
        }

        private string? Find(string prefix)
        {
            lock (_lines) return _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_lines) _lines.Add(line);
            try
            {
                _output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test is over; its output is closed.
            }
        }
    }
}

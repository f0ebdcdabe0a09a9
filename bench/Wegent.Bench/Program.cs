using System.Globalization;
using Wegent.Bench;

// Measures the executor on loopback against the dev backend and prints a markdown table. Timing is reported, never asserted.
// One run measures the reporting style of the generation the dev backend speaks (--backend-protocol).
var root = FindRepositoryRoot();
BenchOptions options;
try
{
    options = BenchOptions.Parse(args, root);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (options.Builds.Count == 0)
{
    Console.Error.WriteLine("No executor build found: run `dotnet build Wegent.Executor.Tool -c Release` and/or scripts/build-local, or pass --executor.");
    return 2;
}

var fakeAgent = Path.Combine(AppContext.BaseDirectory, "fake-agent.py");
if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fakeAgent, File.GetUnixFileMode(fakeAgent) | UnixFileMode.UserExecute);
await using var backend = await DevBackendProcess.StartAsync(root, options.BackendProtocol);
var measure = new Measurements(backend, fakeAgent, options);
var rows = new List<string>();
foreach (var build in options.Builds)
{
    Console.Error.WriteLine($"Measuring {build.Name}: {build.Path}");
    if (options.Includes("startup"))
    {
        var startup = await measure.StartupAsync(build);
        rows.Add(Row(build, "process start → device:register received", startup.Format("ms", "0")));
    }

    if (options.Includes("idle"))
    {
        var (rss, cpu) = await measure.IdleAsync(build);
        rows.Add(Row(build, "resident memory idle, registered", rss.Format("MB")));
        rows.Add(Row(build, $"CPU per 60 s idle, 1 s heartbeat (measured over {options.IdleSeconds:0} s)", cpu.Format("ms", "0")));
    }

    if (options.Includes("first-progress"))
    {
        var (inside, seen) = await measure.FirstProgressAsync(build);
        rows.Add(Row(build, "task:execute received → first result event sent (executor's clock)",
            string.Create(CultureInfo.InvariantCulture, $"p50 {inside.Median:0.00} ms, p99 {inside.P99:0.00} ms (n={inside.Count})")));
        rows.Add(Row(build, "task:execute emitted → first result event received (backend, whole ms)", $"p50 {seen.Median:0} ms, p99 {seen.P99:0} ms (n={seen.Count})"));
    }

    if (options.Includes("stream"))
    {
        var one = await measure.StreamingAsync(build, tasks: 1, deltas: 10_000);
        rows.Add(Row(build, "10,000 deltas × 100 B in 2 s, 1 task", Streaming(one)));
    }

    if (options.Includes("stream5"))
    {
        var five = await measure.StreamingAsync(build, tasks: 5, deltas: 2_000);
        rows.Add(Row(build, "5 tasks streaming at once (2,000 deltas × 100 B in 2 s each)", Streaming(five)));
    }

    if (options.Includes("reconnect"))
    {
        var reconnect = await measure.ReconnectAsync(build);
        rows.Add(Row(build, "backend back after a 3 s outage → re-registered", reconnect.Format("ms", "0")));
    }
}

Console.WriteLine("| build | metric | median (min–max, n) |");
Console.WriteLine("|---|---|---|");
foreach (var row in rows) Console.WriteLine(row);
return 0;

static string Row(ExecutorBuild build, string metric, string value) => $"| {build.Name} | {metric} | {value} |";

static string Streaming(StreamingResult result) => string.Create(CultureInfo.InvariantCulture,
    $"delay {result.Delay.Median:0} ms (max {result.Delay.Max:0}); event gap min {result.EventGap.Min:0} ms, median {result.EventGap.Median:0} ms; {result.EventsPerTask.Median:0} events, {result.KilobytesPerTask.Median:0} KB sent per task; executor CPU {result.CpuPercent.Median:0.#}% of a core; peak RSS {result.PeakRssMegabytes:0.#} MB{(result.FailedTasks > 0 ? $"; {result.FailedTasks} task(s) FAILED: {result.Failure}" : "")}");

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Wegent.sln"))) return directory.FullName;
    }

    throw new InvalidOperationException("Wegent.sln not found above " + AppContext.BaseDirectory);
}

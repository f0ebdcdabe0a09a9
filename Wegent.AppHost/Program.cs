using System.Diagnostics;
using Wegent.AppHost;
using Wegent.AppHost.Orchestrator;

AppHostOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(AppHostOptions.Usage);
        return 0;
    }

    options = AppHostOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(AppHostOptions.Usage);
    return 2;
}

var layout = RepositoryLayout.Discover(Environment.GetEnvironmentVariable);
var problems = Prerequisites.Check(options, layout);
foreach (var problem in problems) Console.Error.WriteLine("Missing: " + problem);
if (problems.Count > 0) return 2;

var started = Stopwatch.StartNew();
await using var app = WegentAppModel.CreateBuilder(options, layout, new DistributedApplicationOptions()).Build();
await app.StartAsync();
Console.WriteLine($"Dashboard: {app.DashboardLoginUrl}");
_ = ReportWhenUpAsync();
await app.WaitForShutdownAsync();
return 0;

async Task ReportWhenUpAsync()
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
    try
    {
        await app.WaitForAllUpAsync(timeout.Token);
        Console.WriteLine($"All resources healthy in {started.Elapsed.TotalSeconds:0.00} s: "
            + string.Join(", ", app.Orchestrator.Resources.Select(r => $"{r.Name} {string.Join(' ', r.Snapshot.Endpoints)}".TrimEnd())));
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("Not every resource became healthy within 2 minutes; see their logs on the dashboard.");
    }
}

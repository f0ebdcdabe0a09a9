using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Wegent.AppHost;

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

var started = Stopwatch.StartNew();
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = options.AspireArguments() });
// Ctrl-C returns to the prompt once the resources have stopped, not while DCP is still stopping them.
builder.Configuration["DcpPublisher:WaitForResourceCleanup"] = "true";
var resources = builder.AddWegent(options, RepositoryLayout.Discover(Environment.GetEnvironmentVariable), TimeProvider.System);
await using var app = builder.Build();
var healthy = StartupReport.WhenAllHealthyAsync(app, resources.Names, started);
await app.StartAsync();
Console.WriteLine($"Run state: {resources.RunDirectory}");
Console.WriteLine(options.UsesDevBackend
    ? $"Backend: {resources.Backend.Url} (live tasks: {resources.Backend.Url}{WegentAppModel.LiveTasksPath})"
    : $"Backend: {resources.Backend.Url}");
await app.WaitForShutdownAsync();
await healthy;
return 0;

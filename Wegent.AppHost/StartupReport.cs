using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Wegent.AppHost;

/// <summary>Prints, once, how long the run took until every resource was healthy, and each resource's share (the
/// start-up figure README and bench/apphost-startup quote). Started before the application, so that no state is missed.</summary>
internal static class StartupReport
{
    public static async Task WhenAllHealthyAsync(DistributedApplication app, IReadOnlyList<string> names, Stopwatch started)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            var healthy = await Task.WhenAll(names.Select(async name =>
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token).ConfigureAwait(false);
                return $"{name} {Seconds(started.Elapsed)}";
            })).ConfigureAwait(false);
            Console.WriteLine($"All resources healthy in {Seconds(started.Elapsed)} ({string.Join(", ", healthy)})");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("Not every resource became healthy within 2 minutes; see their state and logs on the dashboard.");
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}

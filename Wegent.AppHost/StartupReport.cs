using System.Diagnostics;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Wegent.AppHost;

/// <summary>Prints, once, how long the run took until every resource was healthy (the start-up figure README quotes).</summary>
internal static class StartupReport
{
    public static async Task WhenAllHealthyAsync(DistributedApplication app, IReadOnlyList<string> names, Stopwatch started)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await Task.WhenAll(names.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token))).ConfigureAwait(false);
            Console.WriteLine($"All resources healthy in {started.Elapsed.TotalSeconds:0.00} s: {string.Join(", ", names)}");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("Not every resource became healthy within 2 minutes; see their state and logs on the dashboard.");
        }
    }
}

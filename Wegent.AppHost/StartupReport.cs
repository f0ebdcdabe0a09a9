using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Wegent.AppHost;

/// <summary>Prints, once, how long the run took until every resource was healthy (the start-up figure README quotes).</summary>
internal static class StartupReport
{
    public static async Task WhenAllHealthyAsync(DistributedApplication app, Stopwatch started)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var names = model.Resources.Where(r => r is not ParameterResource).Select(r => r.Name).ToArray();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await Task.WhenAll(names.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token))).ConfigureAwait(false);
            Console.WriteLine($"All resources healthy in {started.Elapsed.TotalSeconds:0.00} s: {string.Join(", ", names)}");
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Not every resource became healthy within 2 minutes; see their state and logs on the dashboard.");
        }
    }
}

using System.Diagnostics;
using Microsoft.Playwright;
using Wegent.AppHost.Orchestrator;
using Wegent.AppHost.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Wegent.AppHost.Tests.Dashboard;

/// <summary>The whole dev environment as <c>dotnet run --project Wegent.AppHost</c> starts it (model, backend, executor),
/// driven from the dashboard in Chromium: resources healthy, logs streaming, a dispatched task followed to COMPLETED.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly DirectoryInfo _run = Directory.CreateTempSubdirectory("wegent-apphost-run-");
    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("wegent-apphost-chromium-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var directory in new[] { _run, _profile })
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }

    [BrowserFact]
    public async Task A_task_dispatched_from_the_dashboard_runs_to_completion()
    {
        var options = new AppHostOptions { ScriptedModel = true, RunDirectory = _run.FullName };
        await using var app = WegentAppModel.CreateBuilder(options, BrowserEnvironment.Layout, new DistributedApplicationOptions { StopGrace = TimeSpan.FromSeconds(5) }).Build();
        var starting = Stopwatch.StartNew();
        await app.StartAsync();
        await app.WaitForAllUpAsync(TestTimeouts.Token());
        Console.WriteLine($"All resources healthy after {starting.Elapsed.TotalSeconds:0.00} s");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(_profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = BrowserEnvironment.Chromium,
            Headless = true,
            Args = BrowserEnvironment.LaunchArguments,
            ViewportSize = new ViewportSize { Width = 1280, Height = 1600 },
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout((float)TestTimeouts.Default.TotalMilliseconds);
        SetDefaultExpectTimeout((float)TestTimeouts.Default.TotalMilliseconds);

        await page.GotoAsync(app.DashboardLoginUrl.ToString());
        foreach (var resource in new[] { WegentAppModel.Model, WegentAppModel.Backend, WegentAppModel.Executor })
        {
            await Expect(page.Locator($"tr[data-resource='{resource}'] td.state")).ToHaveTextAsync("Healthy");
        }

        await Expect(page.Locator("#devices td.device-status")).ToHaveTextAsync("connected");
        await page.SelectOptionAsync("#log-resource", WegentAppModel.Executor);
        await Expect(page.Locator("#logs")).ToContainTextAsync("Starting wegent-executor");
        await page.FillAsync("#log-filter", "starting WEGENT-executor");
        await Expect(page.Locator("#logs span:visible")).ToHaveCountAsync(1);
        await Expect(page.Locator("#logs span:visible")).ToContainTextAsync("Starting wegent-executor");
        await page.FillAsync("#log-filter", "");
        await Screenshot(page, "resources");

        await page.FillAsync("#prompt", "Write hello.py that prints Hello, World!");
        await page.ClickAsync("[data-testid=dispatch-button]");
        await Expect(page.Locator("#task-status")).ToHaveTextAsync("COMPLETED");
        await Expect(page.Locator("#task-result")).ToHaveTextAsync("I created hello.py, which prints Hello, World!");
        await Expect(page.Locator("#task-text")).ToContainTextAsync("I created hello.py");
        await Expect(page.Locator("#task-thinking li").First).ToContainTextAsync("Tool: Write");
        await Expect(page.Locator("#task-thinking li dt").First).ToHaveTextAsync("tool");
        await Expect(page.Locator("#task-cancel")).ToBeHiddenAsync();
        await Expect(page.Locator("#tasks td.status-COMPLETED")).ToHaveCountAsync(1);
        await Screenshot(page, "task-completed");

        var taskId = await page.Locator("#task-id").TextContentAsync();
        var written = Path.Combine(_run.FullName, "executor-home", "workspace", taskId!, "hello.py");
        Assert.Equal("print(\"Hello, World!\")\n", await File.ReadAllTextAsync(written));
    }

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(BrowserEnvironment.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserEnvironment.ScreenshotDirectory, name + ".png"), FullPage = true });
    }
}

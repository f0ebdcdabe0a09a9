using Microsoft.Playwright;
using Wegent.AppHost.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Wegent.AppHost.Tests;

/// <summary>The real Aspire dashboard in Debian's Chromium: log in with the run's URL, see the three resources running
/// and healthy, dispatch a task through the command's dialog, then find the executor's structured log line for that task
/// and its trace; then follow the task on the dev backend's live task view. Screenshots go to artifacts/screenshots.</summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardBrowserTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("wegent-apphost-chromium-");
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    public async Task InitializeAsync()
    {
        if (TestPrerequisites.SkipReason(browser: true) is not null) return;
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = TestPrerequisites.Chromium,
            Headless = true,
            Args = TestPrerequisites.ChromiumArguments,
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
        });
        SetDefaultExpectTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        _profile.Delete(recursive: true);
    }

    [BrowserFact]
    public async Task A_task_dispatched_from_the_dashboard_shows_its_structured_log_and_trace()
    {
        var page = await NewPageAsync();
        await page.GotoAsync((await fixture.App.GetDashboardUrlAsync()).ToString());
        foreach (var resource in new[] { WegentAppModel.Model, WegentAppModel.Backend, WegentAppModel.Executor })
        {
            var row = ResourceRow(page, resource);
            await Expect(row).ToContainTextAsync("Running");
            await Expect(row).Not.ToContainTextAsync("Unhealthy");
        }

        await Screenshot(page, "dashboard-resources");

        await ResourceRow(page, WegentAppModel.Backend).GetByRole(AriaRole.Button, new() { Name = "Actions", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Dispatch task" }).ClickAsync();
        await Expect(page.GetByText("Repository (optional)")).ToBeVisibleAsync();
        await Screenshot(page, "dashboard-dispatch-dialog");
        await page.Locator("fluent-button").Filter(new() { HasTextString = "Dispatch task" }).Last.ClickAsync();
        await Expect(page.GetByText("succeeded").First).ToBeVisibleAsync();
        await Screenshot(page, "dashboard-dispatched");
        var newest = await fixture.NewestTaskIdAsync();
        await fixture.WaitForTaskAsync(newest, status => status == "COMPLETED");
        var taskId = newest.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await page.GotoAsync(new Uri(await DashboardBaseAsync(), "/structuredlogs?resource=" + WegentAppModel.Executor).ToString());
        var logLine = page.GetByText($"Task {taskId} subtask");
        await Expect(logLine.First).ToBeVisibleAsync();
        await Screenshot(page, "dashboard-structured-logs");

        await page.GotoAsync(new Uri(await DashboardBaseAsync(), "/traces?resource=" + WegentAppModel.Executor).ToString());
        // One resource: the executor's traces carry the service name Aspire gave it, as its logs do.
        await Expect(page.GetByText("executor: task", new() { Exact = true }).First).ToBeVisibleAsync();
        await page.GetByText("executor: task", new() { Exact = true }).First.ClickAsync();
        await Expect(page.GetByText("task.agent").First).ToBeVisibleAsync();
        await Expect(page.GetByText("task.delivery").First).ToBeVisibleAsync();
        await Screenshot(page, "dashboard-trace");

        await FollowOnLiveTaskViewAsync(page, taskId);
    }

    private async Task FollowOnLiveTaskViewAsync(IPage page, string taskId)
    {
        var backend = fixture.App.GetEndpoint(WegentAppModel.Backend, "http");
        await page.GotoAsync(new Uri(backend, WegentAppModel.LiveTasksPath + "#task=" + taskId).ToString());
        await page.FillAsync("[data-testid=token]", fixture.Token);
        await page.ClickAsync("[data-testid=sign-in-button]");
        await Expect(page.Locator("[data-testid=task-status]")).ToHaveTextAsync("COMPLETED");
        await Expect(page.Locator("[data-testid=task-result]")).ToHaveTextAsync("I created hello.py, which prints Hello, World!");
        await Expect(page.Locator("[data-testid=task-text]")).ToContainTextAsync("I created hello.py");
        await Expect(page.Locator("[data-testid=task-thinking] li").First).ToContainTextAsync("Write");
        await Expect(page.Locator("[data-testid=task-cancel]")).ToBeHiddenAsync();
        await Screenshot(page, "live-task-view");
    }

    private async Task<IPage> NewPageAsync()
    {
        var page = _browser!.Pages.Count > 0 ? _browser.Pages[0] : await _browser.NewPageAsync();
        page.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
        return page;
    }

    private async Task<Uri> DashboardBaseAsync() => new((await fixture.App.GetDashboardUrlAsync()).GetLeftPart(UriPartial.Authority));

    private static ILocator ResourceRow(IPage page, string resource) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(TestPrerequisites.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestPrerequisites.ScreenshotDirectory, name + ".png") });
    }
}

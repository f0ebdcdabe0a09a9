using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Wegent.AppHost.Model;
using Wegent.AppHost.Orchestrator;
using Wegent.AppHost.Tests.Infrastructure;

namespace Wegent.AppHost.Tests.Dashboard;

public sealed class DashboardApiTests : IAsyncLifetime
{
    private DistributedApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.AddExecutable("sleeper", "/bin/sh", Path.GetTempPath(), "-c", "echo 'INFO: ready'; echo 'WARNING: careful' >&2; exec sleep 60");
        _app = builder.Build();
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_api_refuses_a_caller_without_the_login_token()
    {
        using var http = new HttpClient { BaseAddress = _app.DashboardUrl };

        using var response = await http.GetAsync(new Uri("/api/resources", UriKind.Relative));
        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        using var wrongLogin = await http.GetAsync(new Uri("/login?t=wrong", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongLogin.StatusCode);
    }

    [Fact]
    public async Task The_login_url_sets_a_cookie_that_opens_the_page_and_the_api()
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });

        var page = await http.GetStringAsync(_app.DashboardLoginUrl);
        var resources = JsonNode.Parse(await http.GetStringAsync(new Uri(_app.DashboardUrl, "/api/resources")))!.AsArray();

        Assert.Contains("Wegent AppHost", page, StringComparison.Ordinal);
        Assert.Equal("sleeper", resources.Single()!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stop_and_start_commands_act_on_the_resource()
    {
        using var http = Authorized();
        var sleeper = _app.GetResource("sleeper");
        await sleeper.WaitForAsync(s => s.IsUp, TestTimeouts.Token());

        (await http.PostAsync(new Uri("/api/resources/sleeper/stop", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await sleeper.WaitForAsync(s => s.State == ResourceState.Stopped, TestTimeouts.Token());
        (await http.PostAsync(new Uri("/api/resources/sleeper/start", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await sleeper.WaitForAsync(s => s.IsUp, TestTimeouts.Token());
        using var unknown = await http.PostAsync(new Uri("/api/resources/nobody/stop", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Console_logs_stream_as_server_sent_events_with_their_level()
    {
        using var http = Authorized();
        using var response = await http.GetAsync(new Uri("/api/resources/sleeper/logs", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<JsonNode>();
        while (lines.Count < 2 && await reader.ReadLineAsync(TestTimeouts.Token()) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)) lines.Add(JsonNode.Parse(line["data: ".Length..])!);
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(lines, l => l["text"]!.GetValue<string>() == "INFO: ready" && l["level"]!.GetValue<string>() == "Info");
        Assert.Contains(lines, l => l["text"]!.GetValue<string>() == "WARNING: careful" && l["level"]!.GetValue<string>() == "Warning");
    }

    [Fact]
    public async Task Without_a_dev_backend_the_task_api_says_so()
    {
        using var http = Authorized();

        using var response = await http.GetAsync(new Uri("/api/backend/devices", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No dev backend", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private HttpClient Authorized() => new()
    {
        BaseAddress = _app.DashboardUrl,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", _app.DashboardToken) },
    };
}

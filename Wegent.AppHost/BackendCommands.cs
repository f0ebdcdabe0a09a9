using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wegent.AppHost;

/// <summary>The dev backend's dashboard commands: <b>Dispatch task</b> (prompt, scenario, optional repository) and
/// <b>Cancel newest task</b>, both through the backend's REST API with the run's token.</summary>
internal static class BackendCommands
{
    public const string Dispatch = "dispatch-task";
    public const string CancelNewest = "cancel-newest-task";

    /// <summary>The scripted model's scenarios a user is likely to want (any other can be typed in).</summary>
    private static readonly string[] Scenarios = ["write-file", "chunks:50", "slow:20", "bash:echo hello", "echo", "error:500"];

    private static readonly HashSet<string> FinalStatuses = ["COMPLETED", "FAILED", "CANCELLED"];

    public static void AddTo(IResourceBuilder<IResource> backend, BackendLink link)
    {
        var api = new BackendClient(link);
        backend.WithCommand(Dispatch, "Dispatch task", context => DispatchAsync(api, link, context), new CommandOptions
        {
            Description = "Send a prompt to the connected executor",
            IconName = "Send",
            IsHighlighted = true,
            UpdateState = WhenHealthy,
            Arguments =
            [
                new InteractionInput { Name = "prompt", Label = "Prompt", InputType = InputType.Text, Required = true, Value = "Write hello.py that prints Hello, World!" },
                new InteractionInput
                {
                    Name = "scenario",
                    Label = "Scenario",
                    Description = "What the scripted model answers (ignored by a real model)",
                    InputType = InputType.Choice,
                    Options = [.. Scenarios.Select(s => KeyValuePair.Create(s, s))],
                    AllowCustomChoice = true,
                    Value = Scenarios[0],
                },
                new InteractionInput { Name = "repository", Label = "Repository (optional)", InputType = InputType.Text, Placeholder = "git URL to clone into the workspace" },
            ],
        });
        backend.WithCommand(CancelNewest, "Cancel newest task", context => CancelNewestAsync(api, context), new CommandOptions
        {
            Description = "Cancel the most recent task that has not finished",
            IconName = "DismissCircle",
            UpdateState = WhenHealthy,
        });
    }

    private static ResourceCommandState WhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> DispatchAsync(BackendClient api, BackendLink link, ExecuteCommandContext context)
    {
        var body = new JsonObject
        {
            ["prompt"] = context.Arguments.GetString("prompt"),
            ["scenario"] = context.Arguments.GetString("scenario") is { Length: > 0 } scenario ? scenario : null,
        };
        if (context.Arguments.GetString("repository") is { Length: > 0 } repository) body["git_url"] = repository;
        var (created, error) = await api.SendAsync(HttpMethod.Post, "/api/tasks", body, context.CancellationToken).ConfigureAwait(false);
        if (created is null) return CommandResults.Failure(error!);
        var taskId = created["task_id"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
        return CommandResults.Success(
            $"Task {taskId} dispatched to {created["device_id"]}",
            $"Task **{taskId}** was dispatched to `{created["device_id"]}`. [Follow it live]({link.Url}{WegentAppModel.LiveTasksPath}#task={taskId})",
            CommandResultFormat.Markdown);
    }

    private static async Task<ExecuteCommandResult> CancelNewestAsync(BackendClient api, ExecuteCommandContext context)
    {
        var (tasks, error) = await api.SendAsync(HttpMethod.Get, "/api/tasks", null, context.CancellationToken).ConfigureAwait(false);
        if (tasks is null) return CommandResults.Failure(error!);
        var newest = tasks.AsArray()
            .Where(t => t?["status"]?.GetValue<string>() is { } status && !FinalStatuses.Contains(status))
            .Select(t => t!["task_id"]!.GetValue<long>())
            .DefaultIfEmpty()
            .Max();
        if (newest == 0) return CommandResults.Failure("No task is running.");
        var (_, cancelError) = await api.SendAsync(HttpMethod.Post, $"/api/tasks/{newest}/cancel", new JsonObject(), context.CancellationToken).ConfigureAwait(false);
        return cancelError is null ? CommandResults.Success($"Cancel sent for task {newest}") : CommandResults.Failure(cancelError);
    }

    /// <summary>The backend's REST API with the run's token; errors come back as text for the dashboard.</summary>
    private sealed class BackendClient(BackendLink link)
    {
        private readonly HttpClient _http = new()
        {
            BaseAddress = new Uri(link.Url),
            Timeout = TimeSpan.FromSeconds(10),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", link.Token) },
        };

        public async Task<(JsonNode? Body, string? Error)> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
        {
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode) return (JsonNode.Parse(text), null);
                var detail = (JsonNode.Parse(text) as JsonObject)?["detail"]?.ToString() ?? text;
                return (null, $"The backend answered {(int)response.StatusCode}: {detail}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return (null, $"The backend did not answer: {ex.Message}");
            }
        }
    }
}

using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wegent.AppHost.Orchestrator;

namespace Wegent.AppHost.Dashboard;

/// <summary>The dashboard: static page, resources (state, commands, live logs) and the backend's devices and tasks.</summary>
internal static class DashboardEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, ResourceOrchestrator orchestrator, DashboardAuth auth, BackendProxy? backend)
    {
        routes.MapGet("/health", () => Results.Text("ok"));
        routes.MapGet("/login", (string? t, HttpContext context) =>
        {
            if (!auth.Matches(t)) return Results.Text(NotLoggedIn, statusCode: StatusCodes.Status401Unauthorized);
            context.Response.Cookies.Append(DashboardAuth.CookieName, auth.Token,
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return Results.Redirect("/");
        });
        routes.MapGet("/", () => StaticFile("index.html", "text/html; charset=utf-8"));
        routes.MapGet("/dashboard.js", () => StaticFile("dashboard.js", "text/javascript; charset=utf-8"));
        routes.MapGet("/dashboard.css", () => StaticFile("dashboard.css", "text/css; charset=utf-8"));

        routes.MapGet("/api/resources", () => Results.Json(orchestrator.Resources.Select(r => r.Snapshot), DashboardJson.Options));
        routes.MapPost("/api/resources/{name}/{command}", (string name, string command) =>
        {
            if (orchestrator.Find(name) is not { } resource) return Results.NotFound();
            switch (command)
            {
                case "start": resource.Start(); break;
                case "stop": resource.Stop(); break;
                case "restart": resource.Restart(); break;
                default: return Results.BadRequest(new { detail = $"Unknown command {command}" });
            }

            return Results.Json(resource.Snapshot, DashboardJson.Options);
        });
        routes.MapGet("/api/resources/{name}/logs", (string name, CancellationToken cancellationToken) =>
            orchestrator.Find(name) is { } resource
                ? TypedResults.ServerSentEvents(resource.Log.FollowAsync(cancellationToken).Select(line => new SseItem<string>(
                    System.Text.Json.JsonSerializer.Serialize(line, DashboardJson.Options), "line")))
                : Results.NotFound());

        routes.MapGet("/api/backend/devices", (CancellationToken ct) => Forward(backend, HttpMethod.Get, "/api/devices", null, ct));
        routes.MapGet("/api/backend/tasks", (CancellationToken ct) => Forward(backend, HttpMethod.Get, "/api/tasks", null, ct));
        routes.MapGet("/api/backend/tasks/{id:long}", (long id, CancellationToken ct) => Forward(backend, HttpMethod.Get, $"/api/tasks/{id}", null, ct));
        routes.MapPost("/api/backend/tasks", async (HttpRequest request, CancellationToken ct) =>
            await Forward(backend, HttpMethod.Post, "/api/tasks", await ReadBodyAsync(request, ct), ct));
        routes.MapPost("/api/backend/tasks/{id:long}/cancel", (long id, CancellationToken ct) => Forward(backend, HttpMethod.Post, $"/api/tasks/{id}/cancel", "{}", ct));
    }

    private const string NotLoggedIn = "Open the dashboard with the login URL the AppHost printed at start-up (it carries the token).";

    private static Task<IResult> Forward(BackendProxy? backend, HttpMethod method, string path, string? body, CancellationToken ct) =>
        backend is null
            ? Task.FromResult(Results.Json(new { detail = "No dev backend is attached to this AppHost." }, statusCode: StatusCodes.Status404NotFound))
            : backend.ForwardAsync(method, path, body, ct);

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    private static IResult StaticFile(string name, string contentType)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard/" + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}

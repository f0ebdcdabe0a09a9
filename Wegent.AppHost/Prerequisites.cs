using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wegent.AppHost;

/// <summary>What a resource needs on this machine, checked when it starts: a missing piece fails that resource (not
/// the AppHost) and its console log says what is missing and the command that fixes it.</summary>
public static class Prerequisites
{
    public const string InstallAll = "scripts/install-prerequisites";

    /// <summary>Null when satisfied; otherwise what is missing and how to fix it.</summary>
    public delegate string? Check();

    // Finds the packages without importing them (30 ms instead of 300 ms before each start of the model and the backend).
    public static Check DevBackendPython(RepositoryLayout layout) => () =>
        Succeeds(layout.Python, "-c", "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('fastapi', 'uvicorn', 'socketio', 'jwt')))") ? null
            : $"{layout.Python} lacks the dev backend's packages (fastapi, uvicorn, socketio, jwt). Fix: {InstallAll}"
              + " (or: sudo apt-get install python3-fastapi python3-uvicorn python3-socketio python3-jwt)";

    public static Check WegentCheckout(string directory) => () =>
        !Directory.Exists(directory) ? $"--wegent-backend-dir {directory} does not exist."
        : !Succeeds("uv", "--version") ? "uv is missing (the Wegent backend runs with `uv run`). Fix: pip install uv"
        : null;

    public static Check ClaudeCli(Func<string?> find) => () =>
        find() is var path && path is not null && File.Exists(path) ? null
            : $"The Claude Code CLI is missing{(path is null ? "" : $" at {path}")}. Fix: {InstallAll} (or set WEGENT_CLAUDE_CLI)";

    /// <summary>Runs <paramref name="check"/> before each start of the resource.</summary>
    public static IResourceBuilder<T> WithPrerequisite<T>(this IResourceBuilder<T> resource, Check check)
        where T : IResource
    {
        resource.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource.Resource, (started, _) =>
        {
            if (check() is not { } problem) return Task.CompletedTask;
            started.Services.GetRequiredService<ResourceLoggerService>().GetLogger(started.Resource).LogError("Missing: {Problem}", problem);
            // In the terminal too, where `dotnet run` was typed: the dashboard is not the only place a user looks.
            started.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Prerequisites))
                .LogError("{Resource} cannot start. Missing: {Problem}", started.Resource.Name, problem);
            throw new MissingPrerequisiteException(problem);
        });
        return resource;
    }

    private static bool Succeeds(string command, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            if (process is null) return false;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

public sealed class MissingPrerequisiteException(string problem) : Exception(problem);

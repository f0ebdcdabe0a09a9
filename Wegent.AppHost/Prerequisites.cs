using System.Diagnostics;

namespace Wegent.AppHost;

/// <summary>What the resources need on this machine; each missing piece gives one message with the command to fix it.</summary>
public static class Prerequisites
{
    public static IReadOnlyList<string> Check(AppHostOptions options, RepositoryLayout layout)
    {
        var problems = new List<string>();
        if ((options.UsesDevBackend || options.ScriptedModel) && !Succeeds(layout.Python, "-c", "import fastapi, uvicorn, socketio, jwt"))
        {
            problems.Add($"{layout.Python} lacks the dev backend's packages (fastapi, uvicorn, socketio, jwt). Install them: scripts/install-prerequisites"
                + " (or: sudo apt-get install python3-fastapi python3-uvicorn python3-socketio python3-jwt)");
        }

        if (options.WegentBackendDirectory is { } directory)
        {
            if (!Directory.Exists(directory)) problems.Add($"--wegent-backend-dir {directory} does not exist.");
            if (!Succeeds("uv", "--version")) problems.Add("uv is missing (the Wegent backend runs with `uv run`). Install it: pip install uv");
        }

        if (layout.ClaudeCli is null)
        {
            problems.Add("The Claude Code CLI is missing. Install it into .tools/: scripts/install-prerequisites (or set WEGENT_CLAUDE_CLI)");
        }

        if (!File.Exists(layout.Executor))
        {
            problems.Add($"The executor is not built next to the AppHost ({layout.Executor}). Build it: dotnet build Wegent.AppHost");
        }

        return problems;
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

using Wegent.Executor.Processes;

namespace Wegent.Executor.Agents;

/// <summary>Finds the CLI executable: a bare command name is searched on PATH, anything with a directory is taken as a path.</summary>
internal static class ClaudeCliLocator
{
    public static string? Resolve(string cliPath, string? pathVariable)
    {
        if (ChildProcess.IsPath(cliPath))
        {
            return ChildProcess.IsExecutableFile(cliPath) ? Path.GetFullPath(cliPath) : null;
        }

        return ChildProcess.FindOnPath(cliPath, pathVariable);
    }

    public static string NotFoundMessage(string cliPath)
    {
        var lookedFor = ChildProcess.IsPath(cliPath) ? $"looked for '{cliPath}'" : $"looked for '{cliPath}' on PATH";
        return $"Claude Code CLI not found ({lookedFor}). Install it: npm install -g @anthropic-ai/claude-code@"
            + $"{ClaudeCodeAgentOptions.PinnedCliVersion}, or set WEGENT_CLAUDE_CLI";
    }
}

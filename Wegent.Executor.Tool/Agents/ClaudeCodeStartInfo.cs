using System.Diagnostics;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Agents;

/// <summary>Builds the CLI's command line and environment (argv entries, never a shell string).</summary>
internal static class ClaudeCodeStartInfo
{
    /// <summary>The system prompt's file in the agent's config directory: on the command line it would be visible to
    /// every user and limited to 128 KiB.</summary>
    public const string SystemPromptFileName = "system-prompt.txt";

    /// <summary>The task's own settings (CLAUDE_CONFIG_DIR/settings.json, the "user" source) only: a repository's
    /// .claude/settings.json and settings.local.json (hooks, apiKeyHelper...) are not loaded.</summary>
    public static readonly string[] TaskSettingsOnly = ["--setting-sources", "user", "--strict-mcp-config"];

    /// <param name="sandbox">Wraps the CLI in bubblewrap when set.</param>
    public static ProcessStartInfo Create(
        string cliExecutable, AgentRequest request, ClaudeCodeAgentOptions options, ProcessTreeMarker marker, bool isRoot,
        BubblewrapSandbox? sandbox = null)
    {
        var startInfo = new ProcessStartInfo(sandbox?.Executable ?? cliExecutable)
        {
            WorkingDirectory = request.WorkingDirectory,
            UseShellExecute = false,
            // Redirected and closed at once: an open stdin pipe makes the CLI wait for input.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };

        var arguments = Arguments(request, options);
        if (sandbox is not null) arguments = sandbox.Arguments(request, [cliExecutable, .. arguments]);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ApplyEnvironment(startInfo.Environment, request, options, marker, isRoot);
        if (sandbox is not null) startInfo.Environment["CLAUDE_CODE_TMPDIR"] = BubblewrapSandbox.PrivateTemporaryDirectory;
        return startInfo;
    }

    public static string SystemPromptFile(AgentRequest request) => Path.Combine(request.ConfigDirectory, SystemPromptFileName);

    public static IEnumerable<string> Arguments(AgentRequest request, ClaudeCodeAgentOptions options)
    {
        yield return "-p";
        if (!options.TrustRepositorySettings)
        {
            foreach (var argument in TaskSettingsOnly) yield return argument;
        }

        yield return "--output-format";
        yield return "stream-json";
        yield return "--verbose";
        // Text deltas as the model produces them (stream_event lines), so the user sees the answer grow.
        yield return "--include-partial-messages";
        yield return "--permission-mode";
        yield return options.PermissionMode;
        if (!string.IsNullOrEmpty(request.SystemPrompt))
        {
            yield return "--system-prompt-file";
            yield return SystemPromptFile(request);
        }

        if (!string.IsNullOrEmpty(request.McpConfigPath))
        {
            yield return "--mcp-config";
            yield return request.McpConfigPath;
        }

        if (!string.IsNullOrEmpty(request.ResumeSessionId))
        {
            yield return "--resume";
            yield return request.ResumeSessionId;
        }
    }

    /// <summary>The executor's environment (already in <paramref name="environment"/>), then the request's additions and
    /// removals, then what the executor insists on.</summary>
    public static void ApplyEnvironment(
        IDictionary<string, string?> environment,
        AgentRequest request,
        ClaudeCodeAgentOptions options,
        ProcessTreeMarker marker,
        bool isRoot)
    {
        foreach (var (name, value) in request.Environment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        ChildProcess.RemoveSecrets(environment);
        environment["CLAUDE_CONFIG_DIR"] = request.ConfigDirectory;
        environment.TryAdd("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        if (options.MaxApiRetries is { } retries)
        {
            environment.TryAdd("CLAUDE_CODE_MAX_RETRIES", retries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (options.ApiTimeout is { } apiTimeout)
        {
            environment.TryAdd("API_TIMEOUT_MS", ((long)apiTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // As root the CLI refuses bypassPermissions unless told it runs in a sandbox.
        if (isRoot && options.PermissionMode == ClaudeCodeAgentOptions.DefaultPermissionMode)
        {
            environment["IS_SANDBOX"] = "1";
        }

        environment[marker.VariableName] = marker.Value;
    }
}

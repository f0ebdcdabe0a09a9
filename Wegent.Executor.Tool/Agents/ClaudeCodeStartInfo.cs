using System.Diagnostics;

namespace Wegent.Executor.Agents;

/// <summary>Builds the CLI's command line and environment (argv entries, never a shell string).</summary>
internal static class ClaudeCodeStartInfo
{
    /// <summary>Never handed to the agent: the executor's own credential.</summary>
    public const string ExecutorTokenVariable = "WEGENT_AUTH_TOKEN";

    public static ProcessStartInfo Create(
        string cliExecutable, AgentRequest request, ClaudeCodeAgentOptions options, ProcessTreeMarker marker, bool isRoot)
    {
        var startInfo = new ProcessStartInfo(cliExecutable)
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

        foreach (var argument in Arguments(request, options))
        {
            startInfo.ArgumentList.Add(argument);
        }

        ApplyEnvironment(startInfo.Environment, request, options, marker, isRoot);
        return startInfo;
    }

    public static IEnumerable<string> Arguments(AgentRequest request, ClaudeCodeAgentOptions options)
    {
        yield return "-p";
        yield return "--output-format";
        yield return "stream-json";
        yield return "--verbose";
        // Text deltas as the model produces them (stream_event lines), so the user sees the answer grow.
        yield return "--include-partial-messages";
        yield return "--permission-mode";
        yield return options.PermissionMode;
        if (!string.IsNullOrEmpty(request.SystemPrompt))
        {
            yield return "--system-prompt";
            yield return request.SystemPrompt;
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

        environment.Remove(ExecutorTokenVariable);
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

using System.Net.Sockets;
using System.Text.Json.Nodes;
using Wegent.Executor.Agents;
using Wegent.Executor.Configuration;
using Wegent.Executor.Connection;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Diagnostics;

/// <summary>What <c>wegent-executor doctor</c> looks at.</summary>
/// <param name="Options">The loaded configuration, or null when it did not load.</param>
/// <param name="ConfigurationError">Why the configuration did not load.</param>
/// <param name="ClaudeCli">WEGENT_CLAUDE_CLI (or its default) even when the rest of the configuration is broken.</param>
/// <param name="PathVariable">PATH, where claude and git are looked for.</param>
public sealed record DoctorInput(ExecutorOptions? Options, string? ConfigurationError, string ClaudeCli, string? PathVariable);

/// <summary>Checks, in order, everything the executor needs: configuration, backend reachable, token accepted (a real
/// Socket.IO connect and disconnect), Claude Code CLI, git, writable directories, free disk space, and what the workspace
/// and the logs take.</summary>
public sealed class Doctor(ISocketIoConnectionFactory connections, TimeSpan networkTimeout)
{
    /// <summary>Below this the workspace is likely to fill up during a task.</summary>
    public const long MinimumFreeBytes = 1L << 30;

    private const string NeedsConfiguration = "not checked: the configuration did not load";
    private const string FixConfigurationFirst = "fix the configuration first";

    public async Task<IReadOnlyList<DoctorCheckResult>> RunAsync(DoctorInput input, CancellationToken cancellationToken)
    {
        var options = input.Options;
        var results = new List<DoctorCheckResult> { Configuration(input) };
        if (options is null)
        {
            results.Add(DoctorCheckResult.Fail("Backend reachable", NeedsConfiguration, FixConfigurationFirst));
            results.Add(DoctorCheckResult.Fail("Token accepted", NeedsConfiguration, FixConfigurationFirst));
        }
        else
        {
            var reachable = await BackendReachableAsync(options.BackendUrl, cancellationToken).ConfigureAwait(false);
            results.Add(reachable);
            results.Add(reachable.Passed
                ? await TokenAcceptedAsync(options, cancellationToken).ConfigureAwait(false)
                : DoctorCheckResult.Fail("Token accepted", "not checked: the backend is not reachable", "make the backend reachable first"));
        }

        results.Add(await ClaudeCliAsync(input.ClaudeCli, input.PathVariable, cancellationToken).ConfigureAwait(false));
        results.Add(await GitAsync(input.PathVariable, cancellationToken).ConfigureAwait(false));
        if (options is { AgentSandbox: "bwrap" }) results.Add(Sandbox(input.PathVariable));
        if (options is null)
        {
            results.Add(DoctorCheckResult.Fail("Directories writable", NeedsConfiguration, FixConfigurationFirst));
            results.Add(DoctorCheckResult.Fail("Disk space", NeedsConfiguration, FixConfigurationFirst));
            results.Add(DoctorCheckResult.Fail(StorageChecks.WorkspaceTitle, NeedsConfiguration, FixConfigurationFirst));
            results.Add(DoctorCheckResult.Fail(StorageChecks.LogsTitle, NeedsConfiguration, FixConfigurationFirst));
        }
        else
        {
            results.Add(DirectoriesWritable(options));
            var freeBytes = FreeBytes(options.WorkspaceRoot);
            results.Add(DiskSpace(options.WorkspaceRoot, freeBytes));
            results.Add(StorageChecks.Workspace(options.WorkspaceRoot, DirectoryUsage.Measure(options.WorkspaceRoot), freeBytes, options.WorkspaceRetentionDays));
            results.Add(StorageChecks.Logs(options.LogDirectory, DirectoryUsage.Measure(options.LogDirectory), options.LogMaxFileBytes, options.LogBackupCount));
        }

        return results;
    }

    private static DoctorCheckResult Configuration(DoctorInput input) =>
        input.Options is { } options
            ? DoctorCheckResult.Pass("Configuration", $"backend {options.BackendUrl}, home {options.Home}")
            : DoctorCheckResult.Fail("Configuration", input.ConfigurationError ?? "not loaded",
                $"set WEGENT_BACKEND_URL and WEGENT_AUTH_TOKEN in the environment or in {ConfigEnvFile.FileName} in the executor home (see --help)");

    private async Task<DoctorCheckResult> BackendReachableAsync(Uri backendUrl, CancellationToken cancellationToken)
    {
        const string title = "Backend reachable";
        var root = new Uri(backendUrl, "/");
        // The default handler honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the executor's socket does.
        using var http = new HttpClient { Timeout = networkTimeout };
        try
        {
            using var response = await http.GetAsync(root, cancellationToken).ConfigureAwait(false);
            return DoctorCheckResult.Pass(title, $"GET {root} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SocketException)
        {
            var why = ex is TaskCanceledException ? $"no answer within {networkTimeout.TotalSeconds:0} s" : ex.Message;
            return DoctorCheckResult.Fail(title, $"GET {root} failed: {why}",
                "check WEGENT_BACKEND_URL, that the backend is running, and HTTPS_PROXY/HTTP_PROXY/NO_PROXY");
        }
    }

    private async Task<DoctorCheckResult> TokenAcceptedAsync(ExecutorOptions options, CancellationToken cancellationToken)
    {
        const string title = "Token accepted";
        var connection = connections.Create(new SocketIoConnectionOptions
        {
            BaseUrl = options.BackendUrl,
            Namespace = KnownEvents.Namespace,
            Auth = new JsonObject { ["token"] = options.AuthToken },
            ConnectTimeout = networkTimeout,
        });
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return DoctorCheckResult.Pass(title, $"Socket.IO connect to {KnownEvents.Namespace} accepted");
            }
            catch (SocketIoConnectRefusedException ex)
            {
                var refusal = ConnectRefusal.Classify(ex.ServerMessage);
                return DoctorCheckResult.Fail(title, $"refused: {ex.ServerMessage ?? "no reason given"} ({refusal.Cause})",
                    refusal.Fix ?? (refusal.Kind == ConnectRefusalKind.Unexplained
                        ? "set a valid WEGENT_AUTH_TOKEN (issued by the Wegent backend)"
                        : "try again in a minute (the executor retries by itself)"));
            }
            catch (TimeoutException)
            {
                return DoctorCheckResult.Fail(title, "the backend did not answer the namespace connect (older servers do this for a bad token)",
                    "check WEGENT_AUTH_TOKEN");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return DoctorCheckResult.Fail(title, $"the Socket.IO connection failed: {ex.Message}",
                    "check that WEGENT_BACKEND_URL is the Wegent backend and that a proxy lets websockets through");
            }
        }
    }

    private static async Task<DoctorCheckResult> ClaudeCliAsync(string cli, string? pathVariable, CancellationToken cancellationToken)
    {
        const string title = "Claude Code CLI";
        var (path, version, error) = await ToolVersionProbe.ProbeAsync(cli, pathVariable, cancellationToken).ConfigureAwait(false);
        if (version is not null)
        {
            return IsOlderThanNewestTested(version)
                ? DoctorCheckResult.Advise(title, $"{version} ({path})",
                    $"older than {ClaudeCodeAgentOptions.NewestTestedCliVersion}, the newest Claude Code this executor is tested with; tasks keep working; "
                    + $"to update: npm install -g @anthropic-ai/claude-code@{ClaudeCodeAgentOptions.NewestTestedCliVersion}")
                : DoctorCheckResult.Pass(title, $"{version} ({path})");
        }

        return DoctorCheckResult.Fail(title, error!, path is null
                ? $"npm install -g @anthropic-ai/claude-code@{ClaudeCodeAgentOptions.PinnedCliVersion}, or set WEGENT_CLAUDE_CLI"
                : "reinstall the CLI or point WEGENT_CLAUDE_CLI at a working one");
    }

    /// <summary>The version line starts with the version ("2.1.197 (Claude Code)"); one that does not is not judged.</summary>
    internal static bool IsOlderThanNewestTested(string versionLine) =>
        Version.TryParse(versionLine.Split(' ', 2)[0], out var installed) && installed < Version.Parse(ClaudeCodeAgentOptions.NewestTestedCliVersion);

    private static async Task<DoctorCheckResult> GitAsync(string? pathVariable, CancellationToken cancellationToken)
    {
        const string title = "git";
        var (path, version, error) = await ToolVersionProbe.ProbeAsync("git", pathVariable, cancellationToken).ConfigureAwait(false);
        return version is not null
            ? DoctorCheckResult.Pass(title, $"{version} ({path})")
            : DoctorCheckResult.Fail(title, error!, "install git (tasks with a repository clone it)");
    }

    private static DoctorCheckResult Sandbox(string? pathVariable)
    {
        const string title = "Agent sandbox";
        return BubblewrapSandbox.Find([], pathVariable) is { } sandbox
            ? DoctorCheckResult.Pass(title, $"bubblewrap ({sandbox.Executable})")
            : DoctorCheckResult.Fail(title, $"LOCAL_AGENT_SANDBOX is bwrap but '{BubblewrapSandbox.Command}' is not on PATH",
                "install bubblewrap (Debian/Ubuntu: apt install bubblewrap), or set LOCAL_AGENT_SANDBOX=none");
    }

    private static DoctorCheckResult DirectoriesWritable(ExecutorOptions options)
    {
        const string title = "Directories writable";
        string[] directories = [options.Home, options.WorkspaceRoot, options.LogDirectory, options.OutboxDirectory];
        foreach (var directory in directories.Distinct(StringComparer.Ordinal))
        {
            try
            {
                ExecutorDirectories.CreatePrivate(directory);
                var probe = Path.Combine(directory, $".doctor-{Environment.ProcessId}.tmp");
                File.WriteAllText(probe, "");
                File.Delete(probe);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return DoctorCheckResult.Fail(title, $"{directory}: {ex.Message}", "make it writable by this user, or choose another with WEGENT_EXECUTOR_HOME / LOCAL_WORKSPACE_ROOT / WEGENT_EXECUTOR_LOG_DIR");
            }
        }

        return DoctorCheckResult.Pass(title, string.Join(", ", directories.Distinct(StringComparer.Ordinal)));
    }

    private static long FreeBytes(string workspaceRoot) => new DriveInfo(Path.GetFullPath(workspaceRoot)).AvailableFreeSpace;

    private static DoctorCheckResult DiskSpace(string workspaceRoot, long free)
    {
        const string title = "Disk space";
        var text = $"{ByteSize.Format(free)} free for {workspaceRoot}";
        return free >= MinimumFreeBytes
            ? DoctorCheckResult.Pass(title, text)
            : DoctorCheckResult.Fail(title, text, $"free at least {ByteSize.Format(MinimumFreeBytes)}, or move LOCAL_WORKSPACE_ROOT to a larger disk");
    }
}

using System.ComponentModel;
using System.Diagnostics;

namespace Wegent.Executor.Agents;

/// <summary>
/// Runs the Claude Code CLI headless (<c>-p … --output-format stream-json --verbose</c>) as a child process and turns its
/// stdout into <see cref="AgentEvent"/>s. The observer is called sequentially on the stdout reading task: it must be fast
/// and must not block (a slow observer stalls the CLI once the pipe fills).
/// </summary>
public sealed class ClaudeCodeAgent(ClaudeCodeAgentOptions options) : IAgent
{
    /// <summary>What the CLI says (on stderr) when <c>--resume</c> names a session it does not have.</summary>
    private static readonly string[] UnknownSessionMessages = ["No conversation found", "--resume requires a valid session ID"];

    /// <summary>A session that cannot be resumed (its files were removed, or it was saved by another CLI install) starts
    /// a fresh one instead of failing the follow-up.</summary>
    public async Task<AgentOutcome> RunAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        var outcome = await RunOnceAsync(request, observer, cancellationToken).ConfigureAwait(false);
        if (request.ResumeSessionId is not null && IsUnknownSession(outcome))
        {
            outcome = await RunOnceAsync(request with { ResumeSessionId = null }, observer, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    private static bool IsUnknownSession(AgentOutcome outcome) =>
        outcome is { Status: AgentOutcomeStatus.Failed, NumTurns: null or 0, ErrorMessage: { } error }
        && UnknownSessionMessages.Any(m => error.Contains(m, StringComparison.Ordinal));

    private async Task<AgentOutcome> RunOnceAsync(AgentRequest request, IAgentObserver observer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new AgentOutcome(AgentOutcomeStatus.Cancelled, null, ClaudeCodeOutcomeJudge.CancelledMessage);
        }

        var marker = ProcessTreeMarker.CreateUnique(options.MarkerPrefix);
        var startInfo = ClaudeCodeStartInfo.Create(options.CliPath, request, options, marker, PosixNative.IsRoot);
        // Searched on the child's PATH: the request may extend it.
        var executable = ClaudeCliLocator.Resolve(options.CliPath, startInfo.Environment.TryGetValue("PATH", out var path) ? path : null);
        if (executable is null)
        {
            return new AgentOutcome(AgentOutcomeStatus.Failed, null, ClaudeCliLocator.NotFoundMessage(options.CliPath));
        }

        startInfo.FileName = executable;
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new AgentOutcome(AgentOutcomeStatus.Failed, null, $"Could not start the Claude Code CLI '{executable}': {e.Message}");
        }

        // Process.Dispose leaves redirected streams that are read directly to the finalizer: without these, every run
        // kept two pipes open until a garbage collection (seen as descriptors growing in the soak test).
        using var stdout = process.StandardOutput;
        using var stderr = process.StandardError;
        var tree = new ProcessTree(process, marker, options.TimeProvider);
        var promptWritten = WritePromptAsync(process, request.Prompt);
        var run = new ClaudeCodeRun(process, tree, observer, options);
        var outcome = await run.WatchAsync(cancellationToken).ConfigureAwait(false);
        await promptWritten.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return outcome;
    }

    /// <summary>The prompt goes through stdin, then stdin is closed (an open stdin makes the CLI wait): an argument is
    /// limited to 128 KiB on Linux and would show the prompt to every user in the process list.</summary>
    private static async Task WritePromptAsync(Process process, string prompt)
    {
        try
        {
            await process.StandardInput.WriteAsync(prompt).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The CLI exited before reading it all; its exit status tells what happened.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }
}

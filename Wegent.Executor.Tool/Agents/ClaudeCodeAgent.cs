using System.ComponentModel;
using System.Diagnostics;
using Wegent.Executor.Configuration;
using Wegent.Executor.Processes;

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
        var path = Environment.GetEnvironmentVariable("PATH");
        var executable = ClaudeCliLocator.Resolve(options.CliPath, path);
        if (executable is null)
        {
            return new AgentOutcome(AgentOutcomeStatus.Failed, null, ClaudeCliLocator.NotFoundMessage(options.CliPath));
        }

        BubblewrapSandbox? sandbox = null;
        if (options.SandboxHiddenDirectories is { } hidden && (sandbox = BubblewrapSandbox.Find(hidden, path)) is null)
        {
            return new AgentOutcome(AgentOutcomeStatus.Failed, null, BubblewrapSandbox.NotFoundMessage);
        }

        WriteSystemPrompt(request);
        var startInfo = ClaudeCodeStartInfo.Create(executable, request, options, marker, PosixNative.IsRoot, sandbox);
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

    /// <summary>The system prompt goes through an owner-only file (<c>--system-prompt-file</c>): an argument is visible
    /// to every user in the process list, and one over 128 KiB fails to start at all.</summary>
    private static void WriteSystemPrompt(AgentRequest request)
    {
        var file = ClaudeCodeStartInfo.SystemPromptFile(request);
        if (!string.IsNullOrEmpty(request.SystemPrompt)) PrivateFile.Write(file, request.SystemPrompt);
        else if (File.Exists(file)) File.Delete(file);
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

using System.Diagnostics;
using System.Text;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Workspace;

/// <summary>What a git command left behind.</summary>
public sealed record GitResult(int ExitCode, string Output, string Error, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>Runs git with an argument list (never a shell line), a bounded time and output, and kills it (with its
/// helpers, e.g. git-remote-http) when cancelled or out of time.</summary>
public sealed class GitCommand(string executable = GitCommand.DefaultExecutable)
{
    public const string DefaultExecutable = "git";

    private const int MaxOutputChars = 4 * 1024 * 1024;
    private const int MaxErrorChars = 64 * 1024;

    /// <summary>Variables every git run gets: never prompt on a terminal, never take the index lock just to read,
    /// network transports only (no local paths, no <c>ext::</c> commands from a payload).</summary>
    private static readonly KeyValuePair<string, string?>[] Quiet =
    [
        new("GIT_TERMINAL_PROMPT", "0"),
        new("GIT_ALLOW_PROTOCOL", "http:https:ssh:git"),
        new("GIT_OPTIONAL_LOCKS", "0"),
        new("LC_ALL", "C"),
    ];

    /// <exception cref="OperationCanceledException">Cancelled; git and its children are killed first.</exception>
    public async Task<GitResult> RunAsync(
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = new Process();
        try
        {
            var start = ChildProcess.StartInfo(executable, arguments);
            start.WorkingDirectory = workingDirectory;
            start.StandardOutputEncoding = Encoding.UTF8;
            start.StandardErrorEncoding = Encoding.UTF8;
            foreach (var (key, value) in Quiet.Concat(environment ?? new Dictionary<string, string?>()))
            {
                if (value is null) start.Environment.Remove(key);
                else start.Environment[key] = value;
            }

            ChildProcess.RemoveSecrets(start.Environment);
            process.StartInfo = start;
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorkspaceException($"git could not be started ({ex.Message}); install git and put it on PATH.", ex);
        }

        process.StandardInput.Close();
        // Closed here: Process.Dispose leaves streams read directly to the finalizer (two pipes per command until a GC).
        using var stdout = process.StandardOutput;
        using var stderr = process.StandardError;
        var output = ReadBoundedAsync(stdout, MaxOutputChars);
        var error = ReadBoundedAsync(stderr, MaxErrorChars);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new GitResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), TimedOut: true);
        }

        return new GitResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), TimedOut: false);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }

    /// <summary>Reads a stream to its end, keeping at most <paramref name="limit"/> characters (draining the rest
    /// so git never blocks on a full pipe).</summary>
    private static async Task<string> ReadBoundedAsync(StreamReader reader, int limit)
    {
        var kept = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = limit - kept.Length;
            if (room > 0) kept.Append(buffer, 0, Math.Min(room, read));
        }

        return kept.ToString();
    }
}

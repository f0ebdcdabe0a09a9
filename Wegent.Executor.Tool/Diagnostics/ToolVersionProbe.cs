using System.Diagnostics;
using Wegent.Executor.Agents;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Diagnostics;

/// <summary>Finds a command (on PATH or as a path) and reads the first line of its <c>--version</c>.</summary>
internal static class ToolVersionProbe
{
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(10);

    /// <returns>The resolved path and version line, or the reason it failed.</returns>
    public static async Task<(string? Path, string? Version, string? Error)> ProbeAsync(string command, string? pathVariable, CancellationToken cancellationToken)
    {
        var path = ClaudeCliLocator.Resolve(command, pathVariable);
        if (path is null) return (null, null, $"'{command}' not found{(command.Contains('/') ? "" : " on PATH")}");

        try
        {
            using var process = Process.Start(ChildProcess.StartInfo(path, ["--version"]));
            if (process is null) return (path, null, "could not be started");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(VersionTimeout);
            try
            {
                await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return (path, null, $"'{path} --version' did not finish within {VersionTimeout.TotalSeconds:0} s");
            }

            var firstLine = (await output.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            var errorText = (await error.ConfigureAwait(false)).Trim();
            return process.ExitCode == 0 && firstLine is not null
                ? (path, firstLine, null)
                : (path, null, $"'{path} --version' exited {process.ExitCode}{(errorText.Length > 0 ? ": " + errorText : "")}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (path, null, ex.Message);
        }
    }
}

using System.Diagnostics;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Service;

/// <summary>The outcome of running a command to its end.</summary>
public sealed record CommandResult(int ExitCode, string Output);

/// <summary>Runs a command and collects its output; faked in tests so no service manager is touched.</summary>
public interface ICommandRunner
{
    /// <returns>Null when the command could not be started (not installed).</returns>
    Task<CommandResult?> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

public sealed class ProcessCommandRunner : ICommandRunner
{
    public async Task<CommandResult?> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        Process? process;
        try
        {
            process = Process.Start(ChildProcess.StartInfo(fileName, arguments));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        if (process is null) return null;
        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var text = (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false));
            return new CommandResult(process.ExitCode, text.Trim());
        }
    }
}

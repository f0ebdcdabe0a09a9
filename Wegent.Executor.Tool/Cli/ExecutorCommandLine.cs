using System.Collections;
using System.CommandLine;
using Wegent.Executor.Configuration;
using Wegent.Executor.Processes;
using Wegent.Executor.Service;

namespace Wegent.Executor.Cli;

/// <summary>
/// Parses the command line and runs the executor (or the doctor / service subcommands). Ctrl-C and SIGTERM cancel the
/// token given to the executor (System.CommandLine's ProcessTerminationTimeout); if it has not returned after
/// GRACEFUL_SHUTDOWN_TIMEOUT plus <see cref="ShutdownSlack"/>, the invocation returns 130 (SIGINT) or 143 (SIGTERM).
/// </summary>
public static class ExecutorCommandLine
{
    /// <summary>Time beyond the graceful shutdown timeout for the executor's own last steps (flush logs, release the lock).</summary>
    public static readonly TimeSpan ShutdownSlack = TimeSpan.FromSeconds(5);

    public static Task<int> ParseAndInvokeAsync(
        IReadOnlyList<string> args,
        Func<LoadedConfiguration, CancellationToken, Task<int>> runExecutor) =>
        ParseAndInvokeAsync(args, runExecutor, CurrentEnvironment(), Console.Out, Console.Error, handleTermination: true, CancellationToken.None);

    /// <param name="handleTermination">Whether SIGINT/SIGTERM cancel the run (false in tests: the test host keeps its signals).</param>
    /// <param name="commandRunner">Runs systemctl/launchctl for the service subcommands (faked in tests).</param>
    public static async Task<int> ParseAndInvokeAsync(
        IReadOnlyList<string> args,
        Func<LoadedConfiguration, CancellationToken, Task<int>> runExecutor,
        IReadOnlyDictionary<string, string> environment,
        TextWriter output,
        TextWriter error,
        bool handleTermination,
        CancellationToken cancellationToken,
        ICommandRunner? commandRunner = null)
    {
        var root = new ExecutorRootCommand();
        LoadedConfiguration? loaded = null;
        root.Command.SetAction((_, token) => runExecutor(loaded!, token));
        var subcommands = new SubcommandActions(root, environment, output, error, commandRunner ?? new ProcessCommandRunner());
        subcommands.Attach();

        var parseResult = root.Command.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        if (parseResult.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            // A bad command line is bad configuration: same exit code, errors only (no help dump).
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            return ExitCodes.BadConfiguration;
        }

        if (parseResult.Action == root.Command.Action)
        {
            try
            {
                loaded = ConfigurationLoader.Load(root.CommandLineValues(parseResult), environment);
            }
            catch (ConfigurationException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return ExitCodes.BadConfiguration;
            }

            if (parseResult.GetValue(root.Once)) loaded = loaded with { Options = loaded.Options with { RunOnce = true } };
            if (handleTermination)
            {
                invocation.ProcessTerminationTimeout = loaded.Options.GracefulShutdownTimeout + ShutdownSlack;
            }
        }

        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string> CurrentEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => entry.Value as string ?? "", StringComparer.Ordinal);
}

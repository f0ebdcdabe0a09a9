using System.CommandLine;
using System.CommandLine.Invocation;
using Wegent.Executor.Configuration;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Cli;

/// <summary>Prints <see cref="ExecutorVersion.Current"/>: the built-in action would add the "+commit" suffix.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(ExecutorVersion.Current);
        return ExitCodes.Ok;
    }
}

using Wegent.Executor.Service;

namespace Wegent.Executor.Tests.Service;

/// <summary>Records commands instead of running them; answers from a table (default: exit 0, no output).</summary>
internal sealed class FakeCommandRunner : ICommandRunner
{
    private readonly Dictionary<string, CommandResult?> _answers = new(StringComparer.Ordinal);

    public List<string> Commands { get; } = [];

    public void Answer(string commandLine, CommandResult? result) => _answers[commandLine] = result;

    public Task<CommandResult?> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var commandLine = string.Join(' ', [fileName, .. arguments]);
        Commands.Add(commandLine);
        return Task.FromResult(_answers.TryGetValue(commandLine, out var answer) ? answer : new CommandResult(0, ""));
    }
}

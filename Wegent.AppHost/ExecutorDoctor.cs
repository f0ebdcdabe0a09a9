using System.Reflection;

namespace Wegent.AppHost;

/// <summary>The executor's <b>Doctor</b> command: runs <c>wegent-executor doctor</c> with the executor's settings and
/// shows its report.</summary>
internal static class ExecutorDoctor
{
    public const string Command = "doctor";

    public static void AddTo<T>(IResourceBuilder<T> executor, ExecutorResourceOptions settings, string program, IReadOnlyList<string> arguments)
        where T : IResource
    {
        // Aspire's process commands are marked for evaluation (ASPIREPROCESSCOMMAND001); they are what this needs: a local
        // process, its output shown as the command's result, killed with its tree when the dashboard cancels.
#pragma warning disable ASPIREPROCESSCOMMAND001
        executor.WithProcessCommand(Command, "Doctor", _ => new ProcessCommandSpec(program)
        {
            Arguments = [.. arguments, "doctor"],
            WorkingDirectory = settings.Run,
            EnvironmentVariables = settings.Environment()
                .Append((Name: "WEGENT_AUTH_TOKEN", Value: (string?)settings.TokenValue))
                .Where(setting => setting.Value is not null)
                .ToDictionary(setting => setting.Name, setting => setting.Value!),
        }, new ProcessCommandOptions
        {
            Description = "Check the executor's configuration, backend, token, Claude Code CLI, git and disk",
            IconName = "Stethoscope",
            DisplayImmediately = true,
            MaxOutputLineCount = 200,
        });
#pragma warning restore ASPIREPROCESSCOMMAND001
    }
}

/// <summary>How the Wegent.Executor.Tool project is run outside Aspire's launch (the doctor command): its build
/// output, in the AppHost's own configuration.</summary>
internal static class ExecutorProject
{
    public static IReadOnlyList<string> RunArguments { get; } =
    [
        "run", "--no-build", "--project", new Projects.Wegent_Executor_Tool().ProjectPath,
        "-c", typeof(ExecutorProject).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "--",
    ];
}

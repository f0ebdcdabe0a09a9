namespace Wegent.Executor.Service;

/// <summary>How the service should start this executor: the running executable, or <c>dotnet &lt;dll&gt;</c> when the
/// executor runs through the dotnet host (e.g. <c>dotnet run</c>).</summary>
public static class ServiceCommandLine
{
    public static IReadOnlyList<string> ForCurrentProcess() =>
        For(Environment.ProcessPath ?? throw new InvalidOperationException("The executable path of this process is unknown."),
            Environment.GetCommandLineArgs().FirstOrDefault());

    public static IReadOnlyList<string> For(string processPath, string? entryAssembly)
    {
        var isDotnetHost = Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnetHost && entryAssembly is { Length: > 0 } ? [processPath, Path.GetFullPath(entryAssembly)] : [processPath];
    }
}

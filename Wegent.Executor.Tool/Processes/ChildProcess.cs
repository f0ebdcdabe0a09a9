using System.ComponentModel;
using System.Diagnostics;

namespace Wegent.Executor.Processes;

/// <summary>
/// How the executor starts any other program (git, the agent, the orphan reaper, systemctl...): a bare command name is
/// looked up on <c>PATH</c> only (.NET on Unix would try the current directory first, so a <c>git</c> file there ran), and
/// the executor's own secrets never reach the child's environment, whatever the parent's environment holds.
/// </summary>
public static class ChildProcess
{
    /// <summary>The backend token and the key of encrypted task secrets: for the executor alone.</summary>
    public static readonly IReadOnlyList<string> ExecutorSecrets = ["WEGENT_AUTH_TOKEN", "GIT_TOKEN_AES_KEY", "GIT_TOKEN_AES_IV"];

    /// <summary>Start information for <paramref name="command"/> with every stream redirected and the secrets removed.</summary>
    /// <exception cref="Win32Exception">A bare command name is not on PATH.</exception>
    public static ProcessStartInfo StartInfo(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Resolve(command))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        RemoveSecrets(start.Environment);
        return start;
    }

    public static void RemoveSecrets(IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in ExecutorSecrets) environment.Remove(name);
    }

    /// <summary>A path is kept as given; a bare name becomes the full path of the first match on PATH.</summary>
    /// <exception cref="Win32Exception">A bare command name is not on PATH.</exception>
    public static string Resolve(string command) =>
        IsPath(command) ? command
        : FindOnPath(command, Environment.GetEnvironmentVariable("PATH"))
            ?? throw new Win32Exception(2, $"'{command}' was not found on PATH");

    /// <summary>The full path of the first executable file named <paramref name="command"/> in the directories of
    /// <paramref name="pathVariable"/> (relative entries, which would mean the current directory, are skipped).</summary>
    public static string? FindOnPath(string command, string? pathVariable)
    {
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathFullyQualified(directory)) continue;
            foreach (var name in CandidateNames(command))
            {
                var candidate = Path.Combine(directory, name);
                if (IsExecutableFile(candidate)) return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    public static bool IsPath(string command) =>
        command.Contains(Path.DirectorySeparatorChar) || command.Contains(Path.AltDirectorySeparatorChar);

    public static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    private static IEnumerable<string> CandidateNames(string command) =>
        OperatingSystem.IsWindows() && !Path.HasExtension(command)
            ? [command + ".exe", command + ".cmd", command]
            : [command];
}

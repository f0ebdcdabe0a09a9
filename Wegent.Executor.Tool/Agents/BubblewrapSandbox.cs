using Wegent.Executor.Processes;

namespace Wegent.Executor.Agents;

/// <summary>
/// Runs the agent under bubblewrap (LOCAL_AGENT_SANDBOX=bwrap): in a PID namespace of its own (the executor's process and
/// its environment are out of sight), with the file system read-only, the executor's own folders (home with config.env,
/// device id, logs, outbox and other tasks' workspaces) hidden behind empty in-memory folders, only the task's own folder
/// writable, and a private /tmp (a CLI installed under /tmp is bound back, read-only). The network stays open (the model API needs it) and the rest of the user's files stay
/// readable.
/// </summary>
/// <param name="Executable">The bwrap program.</param>
/// <param name="HiddenDirectories">The executor's home, workspace root and log directory.</param>
public sealed record BubblewrapSandbox(string Executable, IReadOnlyList<string> HiddenDirectories)
{
    public const string Command = "bwrap";
    public const string PrivateTemporaryDirectory = "/tmp";

    public static string NotFoundMessage =>
        $"LOCAL_AGENT_SANDBOX is bwrap but '{Command}' was not found on PATH: install bubblewrap (Debian/Ubuntu: apt install bubblewrap) "
        + "or set LOCAL_AGENT_SANDBOX=none";

    /// <returns>Null when bwrap is not on <paramref name="pathVariable"/>.</returns>
    public static BubblewrapSandbox? Find(IReadOnlyList<string> hiddenDirectories, string? pathVariable) =>
        ChildProcess.FindOnPath(Command, pathVariable) is { } path ? new BubblewrapSandbox(path, hiddenDirectories) : null;

    /// <summary>bwrap's arguments, then <paramref name="command"/> (the CLI and its arguments).</summary>
    public IEnumerable<string> Arguments(AgentRequest request, IEnumerable<string> command)
    {
        // No --die-with-parent: the kernel ties it to the thread that started bwrap, which a thread pool may retire;
        // the orphan reaper already ends a run's processes when the executor dies.
        List<string> arguments =
        [
            "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", PrivateTemporaryDirectory,
        ];
        foreach (var program in ProgramFoldersUnderTemporary(command.First()))
        {
            arguments.AddRange(["--ro-bind", program, program]);
        }

        foreach (var hidden in HiddenDirectories.Where(Directory.Exists).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            arguments.AddRange(["--tmpfs", hidden]);
        }

        var writable = new[] { request.TaskDirectory ?? request.WorkingDirectory, request.WorkingDirectory, request.ConfigDirectory }
            .Select(Path.GetFullPath).Distinct(StringComparer.Ordinal);
        foreach (var directory in writable)
        {
            arguments.AddRange(["--bind", directory, directory]);
        }

        arguments.AddRange(["--chdir", Path.GetFullPath(request.WorkingDirectory), "--"]);
        arguments.AddRange(command);
        return arguments;
    }

    /// <summary>The folders of a CLI installed under /tmp (e.g. an npm install in a checkout there), which the private
    /// /tmp would hide so the agent could not start: the <c>node_modules</c> folder holding the command and its target
    /// (its package and dependencies), else the folder of each (the program alone when that folder is /tmp).</summary>
    internal static IEnumerable<string> ProgramFoldersUnderTemporary(string executable)
    {
        var command = Path.GetFullPath(executable);
        return new[] { command, LinkTarget(command) }
            .OfType<string>()
            .Where(path => path.StartsWith(PrivateTemporaryDirectory + "/", StringComparison.Ordinal))
            // A program right in /tmp is bound alone: binding /tmp itself would undo the private (and writable) /tmp.
            .Select(path => NodeModulesFolder(path) ?? FolderOrProgram(path))
            .Distinct(StringComparer.Ordinal);
    }

    private static string FolderOrProgram(string path) =>
        Path.GetDirectoryName(path) is { } folder && folder != PrivateTemporaryDirectory ? folder : path;

    private static string? LinkTarget(string path)
    {
        var file = new FileInfo(path);
        try
        {
            return file.LinkTarget is null ? null : file.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null; // a broken link: the CLI will say so itself
        }
    }

    private static string? NodeModulesFolder(string path)
    {
        for (var directory = Path.GetDirectoryName(path); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Path.GetFileName(directory) == "node_modules") return directory;
        }

        return null;
    }
}

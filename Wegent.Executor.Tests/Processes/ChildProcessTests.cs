using System.Globalization;
using Wegent.Executor.Agents;
using Wegent.Executor.Processes;
using Wegent.Executor.Service;
using Wegent.Executor.Tests.Agents;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Processes;

/// <summary>Tests that change or observe state of the whole test host (the environment and current directory every
/// child inherits, the process-wide telemetry sources): they run alone, after all the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideStateCollection
{
    public const string Name = "Process-wide state";
}

[Collection(ProcessWideStateCollection.Name)]
public sealed class ChildProcessTests : IDisposable
{
    private static readonly string[] Secrets = ["WEGENT_AUTH_TOKEN", "GIT_TOKEN_AES_KEY", "GIT_TOKEN_AES_IV"];
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("wegent-child-process-");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>Issue 12 item 1: the executor's token and AES key/IV reached git and the orphan reaper (they inherit the
    /// executor's environment), and from there any program the agent can make git run (hooks, fsmonitor).</summary>
    [LinuxFact]
    public async Task The_executors_secrets_reach_neither_git_nor_the_orphan_reaper_nor_a_service_command()
    {
        var envFile = Path.Combine(_directory.FullName, "git-env");
        var fakeGit = Script("fake-git", $"env > '{envFile}'");
        foreach (var name in Secrets) Environment.SetEnvironmentVariable(name, "secret-" + name);
        try
        {
            await new GitCommand(fakeGit).RunAsync(["status"], _directory.FullName, TimeSpan.FromSeconds(30), CancellationToken.None);
            var command = await new ProcessCommandRunner().RunAsync("env", [], CancellationToken.None);
            using var reaper = OrphanReaper.Start()!;
            var reaperEnvironment = File.ReadAllText($"/proc/{reaper.ProcessId.ToString(CultureInfo.InvariantCulture)}/environ");

            foreach (var text in (string[])[File.ReadAllText(envFile), command!.Output, reaperEnvironment])
            {
                Assert.DoesNotContain("secret-", text, StringComparison.Ordinal);
                Assert.Contains("PATH=", text, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var name in Secrets) Environment.SetEnvironmentVariable(name, null);
        }
    }

    /// <summary>Issue 12 item 7: .NET on Unix looks for a bare command name in the current directory before PATH, so a
    /// <c>git</c> (or <c>systemctl</c>, <c>id</c>...) file there ran instead of the real one.</summary>
    [LinuxFact]
    public async Task A_command_named_like_git_in_the_current_directory_is_never_run()
    {
        var marker = Path.Combine(_directory.FullName, "planted-ran");
        foreach (var name in (string[])["git", "id"]) Script(name, $"touch '{marker}'");
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(_directory.FullName);
        try
        {
            var git = await new GitCommand().RunAsync(["--version"], _directory.FullName, TimeSpan.FromSeconds(30), CancellationToken.None);
            var id = await new ProcessCommandRunner().RunAsync("id", ["-u"], CancellationToken.None);

            Assert.StartsWith("git version", git.Output, StringComparison.Ordinal);
            Assert.Equal(0, id!.ExitCode);
            Assert.False(File.Exists(marker), "a planted command ran");
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [Fact]
    public void Relative_path_entries_are_not_searched()
    {
        Script("tool", "true");

        Assert.Null(ChildProcess.FindOnPath("tool", string.Join(Path.PathSeparator, ".", "", Path.GetFileName(_directory.FullName))));
        Assert.Equal(Path.Combine(_directory.FullName, "tool"), ChildProcess.FindOnPath("tool", "." + Path.PathSeparator + _directory.FullName));
    }

    private string Script(string name, string body)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}

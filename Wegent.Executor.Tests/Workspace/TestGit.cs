using System.Diagnostics;

namespace Wegent.Executor.Tests.Workspace;

/// <summary>Runs git for test set-up and builds small repositories.</summary>
internal static class TestGit
{
    public static string Run(string directory, params string[] arguments) => RunTool("git", arguments, directory);

    /// <summary>Runs a program of the test set-up (e.g. mkfifo) to its end; throws when it fails.</summary>
    public static string RunTool(string program, params string[] arguments) => RunTool(program, arguments, Directory.GetCurrentDirectory());

    private static string RunTool(string program, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_AUTHOR_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = "test@example.com";
        start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error}");
        return output.Result;
    }

    /// <summary>A working repository with one commit (README.md) on <c>main</c>.</summary>
    public static string CreateWorkingRepository(string directory)
    {
        Directory.CreateDirectory(directory);
        Run(directory, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(directory, "README.md"), "# hello\n\nline two\n");
        Run(directory, "add", ".");
        Run(directory, "commit", "-q", "-m", "Initial commit");
        return directory;
    }

    /// <summary><c>{root}/{name}.git</c>: bare, with <c>main</c> (README.md) and <c>feature</c> (plus feature.txt).</summary>
    public static string CreateBareRepository(string root, string name)
    {
        var source = CreateWorkingRepository(Path.Combine(root, name + "-source"));
        Run(source, "checkout", "-q", "-b", "feature");
        File.WriteAllText(Path.Combine(source, "feature.txt"), "feature\n");
        Run(source, "add", ".");
        Run(source, "commit", "-q", "-m", "Feature");
        Run(source, "checkout", "-q", "main");
        var bare = Path.Combine(root, name + ".git");
        Run(root, "clone", "-q", "--bare", source, bare);
        return bare;
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Repositories a task can name: built with git on disk and served by <c>git daemon</c> on 127.0.0.1.</summary>
internal static class GitRepositories
{
    /// <summary><c>{root}/{name}.git</c>, bare, with one commit on <c>main</c>: README.md plus what
    /// <paramref name="addFiles"/> puts into the working folder it is given.</summary>
    public static string CreateBare(string root, string name, Action<string>? addFiles = null)
    {
        var source = Path.Combine(root, name + "-source");
        Directory.CreateDirectory(source);
        Git(source, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(source, "README.md"), "# hello\n");
        addFiles?.Invoke(source);
        Git(source, "add", ".");
        Git(source, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "Initial commit");
        var bare = Path.Combine(root, name + ".git");
        Git(root, "clone", "-q", "--bare", source, bare);
        return bare;
    }

    /// <summary><c>git daemon</c> serving every repository under <paramref name="root"/> on 127.0.0.1, no authentication;
    /// a repository's URL is <c>git://127.0.0.1:{Port}/{name}.git</c>.</summary>
    public static async Task<GitDaemon> ServeAsync(string root)
    {
        var port = TestEnvironment.FreePort();
        var process = ManagedProcess.Start("git-daemon", "git",
            ["daemon", "--reuseaddr", "--export-all", "--informative-errors", $"--base-path={root}", "--listen=127.0.0.1", $"--port={port}", root],
            root, new Dictionary<string, string?>());
        var deadline = DateTime.UtcNow + TestEnvironment.DefaultTimeout;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return new GitDaemon(process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static void Git(string directory, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = directory, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }
}

internal sealed class GitDaemon(ManagedProcess process, int port) : IAsyncDisposable
{
    public int Port { get; } = port;

    public string UrlOf(string name) => $"git://127.0.0.1:{Port}/{name}.git";

    public ValueTask DisposeAsync() => process.DisposeAsync();
}

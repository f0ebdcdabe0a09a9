using System.Diagnostics;
using System.Net.Sockets;
using Wegent.E2E.Infrastructure;

namespace Wegent.E2E;

/// <summary>Repositories a task can name: built with git in a scratch folder of the test's own (removed at the end) and
/// served by <c>git daemon</c> on 127.0.0.1, without authentication.</summary>
internal sealed class GitRepositories : IAsyncDisposable
{
    private readonly DirectoryInfo _root;
    private readonly ManagedProcess _daemon;
    private readonly int _port;

    private GitRepositories(DirectoryInfo root, ManagedProcess daemon, int port)
    {
        _root = root;
        _daemon = daemon;
        _port = port;
    }

    /// <summary>The scratch folder; a test may keep other files of its own there.</summary>
    public string Root => _root.FullName;

    public static async Task<GitRepositories> ServeAsync()
    {
        var root = Directory.CreateTempSubdirectory("wegent-e2e-git-");
        var port = FreePort.OnLoopback();
        var daemon = ManagedProcess.Start("git-daemon", "git",
            ["daemon", "--reuseaddr", "--export-all", "--informative-errors", $"--base-path={root.FullName}", "--listen=127.0.0.1", $"--port={port}", root.FullName],
            root.FullName, new Dictionary<string, string?>());
        await Wait.UntilAsync(async () =>
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException) when (!daemon.HasExited)
            {
                return false;
            }
        }, $"git daemon to listen on port {port}");
        return new GitRepositories(root, daemon, port);
    }

    /// <summary>Creates <c>{name}.git</c>, bare, with one commit on <c>main</c>: README.md plus what
    /// <paramref name="addFiles"/> puts into the working folder it is given.</summary>
    /// <returns>Its URL, <c>git://127.0.0.1:{port}/{name}.git</c>.</returns>
    public string Create(string name, Action<string>? addFiles = null)
    {
        var source = Path.Combine(Root, name + "-source");
        Directory.CreateDirectory(source);
        Git(source, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(source, "README.md"), "# hello\n");
        addFiles?.Invoke(source);
        Git(source, "add", ".");
        Git(source, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "Initial commit");
        Git(Root, "clone", "-q", "--bare", source, Path.Combine(Root, name + ".git"));
        return $"git://127.0.0.1:{_port}/{name}.git";
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _root.Delete(recursive: true);
    }

    private static void Git(string directory, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = directory, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }
}

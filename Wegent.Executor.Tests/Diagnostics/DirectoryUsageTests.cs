using System.Diagnostics;
using Wegent.Executor.Agents;
using Wegent.Executor.Diagnostics;
using Wegent.Executor.Processes;
using Wegent.Executor.Tests.Configuration;

namespace Wegent.Executor.Tests.Diagnostics;

public sealed class DirectoryUsageTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string FileOf(int bytes, params string[] parts)
    {
        var path = _temp.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    [Fact]
    public void A_missing_directory_is_reported_as_missing_not_as_an_error()
    {
        var usage = DirectoryUsage.Measure(_temp.Combine("not-there"));

        Assert.False(usage.Exists);
        Assert.Equal(0, usage.Bytes);
    }

    [Fact]
    public void Counts_bytes_and_files_of_the_whole_tree_and_the_folders_directly_inside()
    {
        FileOf(100, "root", "1", "a.txt");
        FileOf(200, "root", "1", "deep", "er", "b.bin");
        FileOf(300, "root", "2", "c.txt");
        FileOf(7, "root", "loose.txt");
        Directory.CreateDirectory(_temp.Combine("root", "3"));

        var usage = DirectoryUsage.Measure(_temp.Combine("root"));

        Assert.Equal(new DirectoryUsage(true, 607, 4, 3, 0), usage);
    }

    [Fact]
    public void Links_are_not_followed()
    {
        FileOf(1000, "outside", "big.bin");
        FileOf(10, "root", "1", "small.txt");
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateSymbolicLink(_temp.Combine("root", "1", "escape"), _temp.Combine("outside"));
        File.CreateSymbolicLink(_temp.Combine("root", "1", "big-link.bin"), _temp.Combine("outside", "big.bin"));
        Directory.CreateSymbolicLink(_temp.Combine("root", "1", "loop"), _temp.Combine("root"));
        File.CreateSymbolicLink(_temp.Combine("root", "1", "dangling"), _temp.Combine("nowhere"));

        var usage = DirectoryUsage.Measure(_temp.Combine("root"));

        Assert.Equal(new DirectoryUsage(true, 10, 1, 1, 0), usage);
    }

    [Fact]
    public void An_unreadable_directory_is_counted_as_such_and_the_rest_is_still_measured()
    {
        if (OperatingSystem.IsWindows()) return;
        FileOf(50, "root", "1", "fine.txt");
        FileOf(70, "root", "2", "hidden", "secret.txt");
        var hidden = _temp.Combine("root", "2", "hidden");
        string? tooDeep = null;
        if (PosixNative.IsRoot)
        {
            // Permissions do not stop root; a path longer than PATH_MAX does (GNU mkdir -p creates one step by step).
            tooDeep = MakeTooDeepTree(_temp.Combine("root", "2"));
        }
        else
        {
            File.SetUnixFileMode(hidden, UnixFileMode.None);
        }

        try
        {
            var usage = DirectoryUsage.Measure(_temp.Combine("root"));

            Assert.True(usage.Unreadable >= 1, $"unreadable: {usage}");
            Assert.True(usage.Bytes >= 50);
            Assert.Equal(2, usage.TopLevelDirectories);
        }
        finally
        {
            if (tooDeep is null) File.SetUnixFileMode(hidden, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            else Run("rm", "-rf", tooDeep);
        }
    }

    private static string MakeTooDeepTree(string parent)
    {
        var segments = Enumerable.Repeat(new string('d', 200), 25);
        Run("mkdir", "-p", Path.Combine([parent, .. segments]));
        return Path.Combine(parent, new string('d', 200));
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}

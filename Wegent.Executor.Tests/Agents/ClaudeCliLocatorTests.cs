using System.Runtime.Versioning;
using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

public sealed class ClaudeCliLocatorTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("wegent-locator-");

    public void Dispose() => _directory.Delete(recursive: true);

    [LinuxFact]
    [SupportedOSPlatform("linux")]
    public void A_command_name_is_found_on_path_only_when_executable()
    {
        var emptyDir = _directory.CreateSubdirectory("empty").FullName;
        var binDir = _directory.CreateSubdirectory("bin").FullName;
        var cli = Path.Combine(binDir, "claude");
        File.WriteAllText(cli, "#!/bin/sh\n");
        var path = string.Join(Path.PathSeparator, emptyDir, binDir);

        Assert.Null(ClaudeCliLocator.Resolve("claude", path));
        File.SetUnixFileMode(cli, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Assert.Equal(cli, ClaudeCliLocator.Resolve("claude", path));
    }

    [Fact]
    public void A_missing_explicit_path_is_not_found_and_the_message_names_it()
    {
        var missing = Path.Combine(_directory.FullName, "nope", "claude");

        Assert.Null(ClaudeCliLocator.Resolve(missing, "ignored"));
        Assert.StartsWith($"Claude Code CLI not found (looked for '{missing}'). Install it:", ClaudeCliLocator.NotFoundMessage(missing), StringComparison.Ordinal);
    }
}

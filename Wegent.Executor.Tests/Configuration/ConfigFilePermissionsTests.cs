using System.Runtime.Versioning;
using Wegent.Executor.Configuration;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Configuration;

[UnsupportedOSPlatform("windows")]
public sealed class ConfigFilePermissionsTests : IDisposable
{
    private const string Secret = "WEGENT_AUTH_TOKEN=config-secret-81f2";
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string ConfigEnv(UnixFileMode mode)
    {
        var path = _temp.Combine(ConfigEnvFile.FileName);
        File.WriteAllText(path, Secret + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [UnixFact]
    public void A_file_readable_by_others_is_made_0600_with_a_warning_that_names_the_mode_but_not_the_content()
    {
        var path = ConfigEnv(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var warning = ConfigFilePermissions.Tighten(path);

        Assert.Equal($"{path} was readable or writable by group or others (mode 644) and may hold secrets: changed it to 600", warning);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(Secret + "\n", File.ReadAllText(path));
    }

    [UnixFact]
    public void A_file_writable_by_the_group_is_tightened_too()
    {
        var path = ConfigEnv(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);

        Assert.Contains("(mode 620)", ConfigFilePermissions.Tighten(path), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [UnixFact]
    public void A_private_or_missing_file_gives_no_warning()
    {
        var path = ConfigEnv(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Null(ConfigFilePermissions.Tighten(path));
        Assert.Null(ConfigFilePermissions.Tighten(_temp.Combine("missing.env")));
        Assert.Null(ConfigFilePermissions.Tighten(ConfigEnv(UnixFileMode.UserRead)));
    }

    [UnixFact]
    public void A_file_that_cannot_be_changed_gets_the_chmod_fix_and_keeps_its_mode()
    {
        var path = ConfigEnv(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var warning = ConfigFilePermissions.Tighten(path, (_, _) => throw new UnauthorizedAccessException("Operation not permitted"));

        Assert.Equal(
            $"{path} is readable or writable by group or others (mode 604) and may hold secrets, but its mode could not be changed (Operation not permitted): run chmod 600 {path}",
            warning);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.DoesNotContain("config-secret", warning, StringComparison.Ordinal);
    }
}

using System.Runtime.Versioning;
using System.Text;
using Wegent.Executor.Configuration;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Configuration;

[UnsupportedOSPlatform("windows")]
public sealed class PrivateFileTests : IDisposable
{
    private const UnixFileMode WorldReadable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WorldReadableFile(string name, string content = "old")
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, WorldReadable);
        return path;
    }

    [UnixFact]
    public void A_new_file_is_owner_only_and_its_directory_is_created()
    {
        var path = _temp.Combine("new", "dir", "settings.json");

        PrivateFile.Write(path, "{}");

        Assert.Equal("{}", File.ReadAllText(path));
        Assert.Equal(PrivateFile.OwnerReadWrite, File.GetUnixFileMode(path));
    }

    [UnixFact]
    public void Rewriting_a_file_that_others_could_read_makes_it_owner_only()
    {
        var path = WorldReadableFile("settings.json", "a much longer earlier content");

        PrivateFile.Write(path, "{\"key\":1}");

        Assert.Equal("{\"key\":1}", File.ReadAllText(path));
        Assert.Equal(PrivateFile.OwnerReadWrite, File.GetUnixFileMode(path));
    }

    [UnixFact]
    public void Replace_is_owner_only_even_over_a_leftover_temporary_file()
    {
        WorldReadableFile("entry.json.tmp");
        var path = _temp.Combine("entry.json");

        PrivateFile.Replace(path, stream => stream.Write(Encoding.UTF8.GetBytes("final")));

        Assert.Equal("final", File.ReadAllText(path));
        Assert.Equal(PrivateFile.OwnerReadWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [UnixFact]
    public void TryRestrict_removes_group_and_other_access_and_leaves_a_missing_file_alone()
    {
        var path = WorldReadableFile("device_id");

        Assert.True(PrivateFile.TryRestrict(path));
        Assert.True(PrivateFile.TryRestrict(_temp.Combine("missing")));

        Assert.Equal(PrivateFile.OwnerReadWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(_temp.Combine("missing")));
    }
}

using System.IO.Compression;
using System.Text;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class SafeZipTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    internal static MemoryStream Zip(params (string Name, string Content)[] entries)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(archive.CreateEntry(name).Open(), Encoding.UTF8);
                writer.Write(content);
            }
        }

        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void Extracts_files_and_folders()
    {
        var target = _temp.Combine("out");

        SafeZip.Extract(Zip(("SKILL.md", "# skill"), ("scripts/run.sh", "echo hi")), target);

        Assert.Equal("# skill", File.ReadAllText(Path.Combine(target, "SKILL.md")));
        Assert.Equal("echo hi", File.ReadAllText(Path.Combine(target, "scripts", "run.sh")));
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("ok/../../evil.txt")]
    [InlineData("..\\evil.txt")]
    [InlineData("/tmp/evil.txt")]
    [InlineData("C:/evil.txt")]
    public void One_entry_leaving_the_folder_rejects_the_whole_archive_before_anything_is_written(string name)
    {
        var target = _temp.Combine("nested", "out");

        Assert.Throws<InvalidDataException>(() => SafeZip.Extract(Zip(("SKILL.md", "# skill"), (name, "evil")), target));

        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, "evil.txt", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_single_top_folder_is_stripped_when_the_marker_file_is_not_at_the_root()
    {
        var target = _temp.Combine("out");

        SafeZip.Extract(Zip(("my-skill/SKILL.md", "# skill"), ("my-skill/a.txt", "a")), target, "SKILL.md");

        Assert.True(File.Exists(Path.Combine(target, "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(target, "a.txt")));
    }

    [Fact]
    public void Something_that_is_not_a_zip_is_rejected() =>
        Assert.Throws<InvalidDataException>(() => SafeZip.Extract(new MemoryStream("not a zip"u8.ToArray()), _temp.Combine("out")));
}

public sealed class SafeFileNameTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\me\\notes.txt", "notes.txt")]
    [InlineData("a\u0000b\nc.txt", "a_b_c.txt")]
    [InlineData("what?.txt", "what_.txt")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("nul", "_nul")]
    [InlineData("-rf", "_-rf")]
    [InlineData("..", "fallback")]
    [InlineData("", "fallback")]
    [InlineData(null, "fallback")]
    [InlineData("  spaced.md  ", "spaced.md")]
    public void Names_are_made_safe(string? original, string expected) => Assert.Equal(expected, SafeFileName.From(original, "fallback"));

    [Fact]
    public void Long_names_are_cut_keeping_the_extension()
    {
        var name = SafeFileName.From(new string('x', 500) + ".tar.gz", "fallback");

        Assert.Equal(SafeFileName.MaxLength, name.Length);
        Assert.EndsWith("x.gz", name, StringComparison.Ordinal);
    }
}

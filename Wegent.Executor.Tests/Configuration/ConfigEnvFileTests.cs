using Wegent.Executor.Configuration;

namespace Wegent.Executor.Tests.Configuration;

public sealed class ConfigEnvFileTests
{
    private static IReadOnlyDictionary<string, ConfigEnvEntry> Parse(params string[] lines) => ConfigEnvFile.Parse(lines, "config.env");

    [Fact]
    public void Reads_assignments_skipping_comments_and_blank_lines()
    {
        var entries = Parse("# a comment", "", "   ", "A=1", "  # indented comment", "B = two words ");

        Assert.Equal(["A", "B"], entries.Keys.Order());
        Assert.Equal("1", entries["A"].Value);
        Assert.Equal("two words", entries["B"].Value);
        Assert.Equal(6, entries["B"].LineNumber);
    }

    [Fact]
    public void Accepts_export_prefix_and_single_or_double_quotes()
    {
        var entries = Parse("export A=\"quoted # not a comment\"", "B='single'", "export   C=plain", "D=\"\"");

        Assert.Equal("quoted # not a comment", entries["A"].Value);
        Assert.Equal("single", entries["B"].Value);
        Assert.Equal("plain", entries["C"].Value);
        Assert.Equal("", entries["D"].Value);
    }

    [Fact]
    public void Keeps_equals_signs_inside_the_value()
    {
        Assert.Equal("a=b==", Parse("TOKEN=a=b==")["TOKEN"].Value);
    }

    [Fact]
    public void Later_assignment_wins()
    {
        Assert.Equal("2", Parse("A=1", "A=2")["A"].Value);
    }

    [Theory]
    [InlineData("no equals sign")]
    [InlineData("=value")]
    [InlineData("1A=x")]
    [InlineData("A=\"unterminated")]
    [InlineData("A='mismatched\"")]
    public void Malformed_line_is_an_error_naming_file_and_line(string badLine)
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse("OK=1", badLine));

        Assert.StartsWith("config.env line 2 is not valid", error.Message, StringComparison.Ordinal);
    }
}

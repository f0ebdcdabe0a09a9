using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.Protocol;

public class AnswerTextTests
{
    private const int Block = 4_096;

    /// <summary>Text that lands awkward characters on every block boundary: a surrogate pair split across two blocks,
    /// characters that must be escaped, and non-ASCII.</summary>
    private static string AwkwardText(int length)
    {
        var text = new StringBuilder();
        var pieces = new[] { "plain words ", "line\n", "\"quoted\" ", "tab\t", "中文 ", "😀", "back\\slash ", "<html>&amp; " };
        for (var i = 0; text.Length < length; i++)
        {
            var nextBoundary = ((text.Length / Block) + 1) * Block;
            text.Append(nextBoundary - text.Length == 1 ? "😀" : pieces[i % pieces.Length]);
        }

        return text.ToString();
    }

    private static string Json(AnswerText text) =>
        JsonSerializer.Serialize(new TaskResult { Value = text }, ProtocolJsonContext.Default.TaskResult);

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(Block)]
    [InlineData(Block + 1)]
    [InlineData(300_000)]
    public void Built_in_blocks_it_reads_and_serialises_exactly_like_the_same_string(int length)
    {
        var expected = AwkwardText(length);
        var builder = new AnswerTextBuilder();
        foreach (var chunk in expected.Chunk(977)) builder.Append(new string(chunk));

        var text = builder.Snapshot();

        Assert.Equal(expected, text.ToString());
        Assert.Equal(Json(AnswerText.FromString(expected)), Json(text));
        Assert.Equal(expected, JsonNode.Parse(Json(text))!["value"]!.GetValue<string>());
    }

    [Fact]
    public void A_surrogate_pair_split_between_two_blocks_is_written_whole()
    {
        var builder = new AnswerTextBuilder();
        builder.Append(new string('a', Block - 1) + "😀" + "z");

        var json = Json(builder.Snapshot());

        Assert.EndsWith("a😀z", JsonNode.Parse(json)!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("\\uFFFD", json, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 100)]
    [InlineData(Block - 7, 20)]
    [InlineData(1_000, 3 * Block)]
    public void A_range_is_written_and_counted_in_code_points_like_the_same_substring(int start, int length)
    {
        var expected = AwkwardText(5 * Block);
        var builder = new AnswerTextBuilder();
        foreach (var chunk in expected.Chunk(977)) builder.Append(new string(chunk));
        var substring = expected.Substring(start, length);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            builder.Snapshot().WriteJsonString(writer, start, length);
        }

        Assert.Equal(JsonSerializer.Serialize(substring, new JsonSerializerOptions { Encoder = WireJson.WriterOptions.Encoder }), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(substring.EnumerateRunes().Count(), builder.Snapshot().CountCodePoints(start, length));
    }

    [Fact]
    public void A_snapshot_keeps_its_text_while_appending_goes_on()
    {
        var builder = new AnswerTextBuilder();
        builder.Append(new string('a', Block - 3));
        var before = builder.Snapshot();

        builder.Append(new string('b', 3 * Block));

        Assert.Equal(new string('a', Block - 3), before.ToString());
        Assert.Equal((4 * Block) - 3, builder.Snapshot().Length);
    }

    [Fact]
    public void Head_gives_the_first_characters_across_blocks()
    {
        var builder = new AnswerTextBuilder();
        builder.Append(new string('a', Block));
        builder.Append("bcd");

        Assert.Equal(new string('a', Block) + "bc", builder.Snapshot().Head(Block + 2));
        Assert.Equal("", builder.Snapshot().Head(0));
    }

    [Fact]
    public void Shortening_a_long_answer_matches_shortening_its_string()
    {
        var plain = AwkwardText(20_000);
        var builder = new AnswerTextBuilder();
        builder.Append(plain);

        Assert.Equal(TextShortener.Shorten(plain, 500), TextShortener.Shorten(builder.Snapshot(), 500));
    }
}

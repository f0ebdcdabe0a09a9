using System.Text.Json.Nodes;
using Wegent.Executor.Logging;

namespace Wegent.Executor.Tests.Logging;

public class LogTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("two\nlines\r\nand\ta tab", @"two\nlines\r\nand\ta tab")]
    [InlineData("bell\u0007 nul\u0000 line sep\u2028 rtl\u202e", @"bell\u0007 nul\u0000 line sep\u2028 rtl\u202e")]
    [InlineData("grüße 你好 😀", "grüße 你好 😀")]
    public void Control_and_format_characters_are_escaped_and_the_rest_kept(string text, string shown) =>
        Assert.Equal(shown, LogText.Of(text));

    [Fact]
    public void Long_text_is_cut_and_says_how_much_is_left_out()
    {
        Assert.Equal("abc… (7 more characters)", LogText.Of("abcdefghij", maxLength: 3));
        // Never half of a surrogate pair.
        Assert.Equal("a… (3 more characters)", LogText.Of("a😀b", maxLength: 2));
    }

    [Fact]
    public void Json_strings_show_their_text_and_other_values_their_json()
    {
        Assert.Equal(@"x\ny", LogText.Of(JsonValue.Create("x\ny")));
        Assert.Equal("""{"a":[1,2]}""", LogText.Of(JsonNode.Parse("""{"a":[1,2]}""")));
        Assert.Equal("(none)", LogText.Of((JsonNode?)null));
    }
}

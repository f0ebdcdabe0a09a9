using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>One block of a prompt sent as a list of content blocks, in the order sent.</summary>
public abstract record PromptPart;

public sealed record PromptTextPart(string Text) : PromptPart;

/// <summary>An <c>input_image</c> block: its URL as sent (a <c>data:</c> URL the workspace saves as a file, or a link).</summary>
/// <param name="Block">The block's index in the prompt list, for messages.</param>
public sealed record PromptImagePart(int Block, string Url) : PromptPart;

/// <summary>A block this executor cannot pass on to the agent, and why; the agent is told.</summary>
public sealed record PromptSkippedPart(int Block, string Reason) : PromptPart;

/// <summary>Reads <c>prompt</c>: text, or (newer backends, PROTOCOL-RESPONSES.md section 5) a list of Responses-API content
/// blocks <c>[{"type": "input_text", "text"}, {"type": "input_image", "image_url": "data:image/png;base64,..."}]</c>.</summary>
internal static class PromptContent
{
    public const string Separator = "\n\n";

    /// <returns>The text (the texts of the blocks joined), and the blocks when the prompt was a list; null text with an
    /// error in <paramref name="reader"/> when the prompt cannot be read.</returns>
    public static (string? Text, IReadOnlyList<PromptPart> Parts) Read(JsonObject payload, PayloadReader reader)
    {
        switch (payload["prompt"])
        {
            case null:
                reader.Missing("prompt", "the text to send to the agent");
                return (null, []);
            case JsonArray blocks:
                var parts = Blocks(blocks, reader);
                return (string.Join(Separator, parts.OfType<PromptTextPart>().Select(p => p.Text)), parts);
            case JsonValue:
                return (reader.String(payload, "prompt", "prompt"), []);
            case var other:
                reader.Error("prompt", other, "text or a list of content blocks");
                return (null, []);
        }
    }

    private static List<PromptPart> Blocks(JsonArray blocks, PayloadReader reader)
    {
        var parts = new List<PromptPart>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var path = $"prompt[{i}]";
            if (blocks[i] is not JsonObject block)
            {
                reader.Error(path, blocks[i], "a content block (an object with a type)");
                continue;
            }

            switch (reader.String(block, "type", path + ".type"))
            {
                case "input_text" or "text":
                    if (reader.String(block, "text", path + ".text") is { Length: > 0 } text) parts.Add(new PromptTextPart(text));
                    break;
                case "input_image":
                    parts.Add(ImageUrl(block, path, reader) is { Length: > 0 } url
                        ? new PromptImagePart(i, url)
                        : new PromptSkippedPart(i, "an image block without an image_url"));
                    break;
                case null when block["type"] is null:
                    reader.Missing(path + ".type", "input_text or input_image");
                    break;
                case null:
                    break;
                case var type:
                    parts.Add(new PromptSkippedPart(i, $"a block of type {PayloadReader.Key(type)} (only text and images are passed on)"));
                    break;
            }
        }

        return parts;
    }

    /// <summary><c>image_url</c> as a string (Responses API) or as <c>{"url"}</c> (Chat Completions), else <c>url</c>.</summary>
    private static string? ImageUrl(JsonObject block, string path, PayloadReader reader) => block["image_url"] switch
    {
        JsonObject wrapped => reader.String(wrapped, "url", path + ".image_url.url"),
        null => reader.String(block, "url", path + ".url"),
        _ => reader.String(block, "image_url", path + ".image_url"),
    };
}

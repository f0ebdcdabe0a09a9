using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>Typed reads from a backend payload. A missing or null key reads as absent; a value of the wrong type is
/// collected as an error naming its path (<c>bot[0].skills</c>, <c>workspace.repository.gitUrl</c>) and reads as absent.</summary>
internal sealed class PayloadReader
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Error(string path, JsonNode? node, string expected) => _errors.Add($"{path} is {Describe(node)}: expected {expected}");

    public void Missing(string path, string expected) => _errors.Add($"{path} is missing: expected {expected}");

    public string? String(JsonObject? obj, string key, string path)
    {
        var node = obj?[key];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            if (TryGetString(v, out var text)) return text;
            Error(path, node, "text");
            return null;
        }

        Error(path, node, "a string");
        return null;
    }

    public JsonObject? Object(JsonObject? obj, string key, string path) => obj?[key] switch
    {
        null => null,
        JsonObject value => value,
        var other => Mismatch<JsonObject>(path, other, "an object"),
    };

    public JsonArray? Array(JsonObject? obj, string key, string path, string expected = "a list") => obj?[key] switch
    {
        null => null,
        JsonArray value => value,
        var other => Mismatch<JsonArray>(path, other, expected),
    };

    public bool Bool(JsonObject obj, string key)
    {
        var node = obj[key];
        if (node is null) return false;
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        Error(key, node, "true or false");
        return false;
    }

    /// <summary>An id that may be absent or null; present, it must be a positive integer.</summary>
    public long? OptionalId(JsonObject obj, string key, string path)
    {
        if (obj[key] is null) return null;
        var id = Id(obj[key], path, out var error);
        if (error is not null) _errors.Add(error);
        return id;
    }

    /// <summary>A list of names (strings); blank entries are dropped.</summary>
    public IReadOnlyList<string> Names(JsonObject? obj, string key, string path)
    {
        if (Array(obj, key, path, "a list of names") is not { } items) return [];
        var names = new List<string>();
        foreach (var item in items)
        {
            if (item is JsonValue v && v.GetValueKind() == JsonValueKind.String && TryGetString(v, out var name))
            {
                if (!string.IsNullOrWhiteSpace(name)) names.Add(name.Trim());
            }
            else
            {
                _errors.Add($"{path} holds {Describe(item)}: expected names");
            }
        }

        return names;
    }

    /// <summary>A positive integer, as a JSON number or a digit string.</summary>
    public static long? Id(JsonNode? node, string path, out string? error)
    {
        error = null;
        // Read numbers through their JSON text: a JsonValue built in code (e.g. from an int) does not convert to long.
        long? value = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => IntegralNumber(v.ToJsonString()),
            JsonValue v when v.GetValueKind() == JsonValueKind.String && TryGetString(v, out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        if (value is > 0) return value;
        error = node is null
            ? $"{path} is missing: expected a positive integer"
            : $"{path} is {Shorten(JsonText(node))}: expected a positive integer";
        return null;
    }

    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String when !TryGetString(v, out _) => "a string that is not valid Unicode (a lone surrogate)",
            JsonValueKind.String => $"the string {Shorten(v.ToJsonString())}",
            JsonValueKind.Number => $"the number {Shorten(v.ToJsonString())}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => Shorten(v.ToJsonString()),
        },
        _ => "an unknown value",
    };

    /// <summary>A JSON escape can encode a lone UTF-16 surrogate, which reads as no .NET string (it throws).</summary>
    public static bool TryGetString(JsonValue value, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = value.GetValue<string>();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>A dictionary key as a path segment of a message: shortened, control characters replaced.</summary>
    public static string Key(string key) => Shorten(new string([.. key.Select(c => char.IsControl(c) ? '?' : c)]));

    private T? Mismatch<T>(string path, JsonNode? node, string expected)
        where T : class
    {
        Error(path, node, expected);
        return null;
    }

    private static long? IntegralNumber(string json)
    {
        if (long.TryParse(json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        return double.TryParse(json, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15
            ? (long)d
            : null;
    }

    /// <summary>The node as JSON for a message; a lone surrogate inside makes it unwritable.</summary>
    private static string JsonText(JsonNode node)
    {
        try
        {
            return node.ToJsonString();
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            return "a value that cannot be shown (a lone surrogate, or nested too deep)";
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}

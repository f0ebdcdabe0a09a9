using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Tasks;

/// <summary>A team member Claude Code can delegate to: one <c>agents/&lt;name&gt;.md</c> file in the task's config dir.</summary>
public sealed record SubAgentDefinition(string Name, string Description, string? Prompt);

/// <summary>In <c>coordinate</c> mode bot[0] leads and the other bots become Claude Code sub-agents. They are written as
/// user agents (<c>CLAUDE_CONFIG_DIR/agents/</c>): per task and outside any repository, so nothing reaches git.</summary>
public static class SubAgentFiles
{
    public const string CoordinateMode = "coordinate";
    public const string DirectoryName = "agents";
    private const int MaxDescriptionLength = 300;

    /// <summary>The sub-agents of a task payload: bot[1..] in coordinate mode, none otherwise.</summary>
    public static IReadOnlyList<SubAgentDefinition> From(JsonObject task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task["mode"] is not JsonValue mode || mode.GetValueKind() != JsonValueKind.String || mode.GetValue<string>() != CoordinateMode) return [];
        if (task["bot"] is not JsonArray bots) return [];

        var names = new HashSet<string>(StringComparer.Ordinal);
        var definitions = new List<SubAgentDefinition>();
        foreach (var (bot, index) in bots.Skip(1).Select((b, i) => (b as JsonObject, i + 1)))
        {
            if (bot is null) continue;
            var displayName = Text(bot, "name");
            var name = Unique(SafeName(displayName) ?? $"member-{index}", names);
            var prompt = Text(bot, "system_prompt");
            var description = Text(bot, "role") ?? FirstLine(prompt) ?? $"Team member {displayName ?? name}";
            definitions.Add(new SubAgentDefinition(name, Shorten(description), prompt));
        }

        return definitions;
    }

    /// <summary>Replaces the sub-agent files of <paramref name="configDirectory"/> with those of this task (a follow-up
    /// may change the team).</summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Write(JsonObject task, string configDirectory)
    {
        var directory = Path.Combine(configDirectory, DirectoryName);
        if (Directory.Exists(directory))
        {
            foreach (var stale in Directory.EnumerateFiles(directory, "*.md")) File.Delete(stale);
        }

        var written = new List<string>();
        foreach (var definition in From(task))
        {
            var path = Path.Combine(directory, definition.Name + ".md");
            PrivateFile.Write(path, Render(definition));
            written.Add(path);
        }

        return written;
    }

    /// <summary>Markdown with YAML front matter.</summary>
    public static string Render(SubAgentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder()
            .Append("---\n")
            .Append("name: ").Append(definition.Name).Append('\n')
            .Append("description: ").Append(Quoted(definition.Description)).Append('\n')
            .Append("---\n");
        if (!string.IsNullOrWhiteSpace(definition.Prompt)) text.Append('\n').Append(definition.Prompt.Trim()).Append('\n');
        return text.ToString();
    }

    /// <summary>Lower-case letters, digits and hyphens (what Claude Code expects of an agent name), or null if none remain.</summary>
    public static string? SafeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var safe = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9')) safe.Append(c);
            else if (safe.Length > 0 && safe[^1] != '-') safe.Append('-');
        }

        var result = safe.ToString().Trim('-');
        return result.Length == 0 ? null : result[..Math.Min(result.Length, 64)];
    }

    /// <summary>A YAML double-quoted scalar: any text is safe in it (a plain scalar breaks on ": " or a leading quote).</summary>
    private static string Quoted(string text)
    {
        var escaped = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal);
        return $"\"{escaped}\"";
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++) candidate = $"{name}-{n}";
        return candidate;
    }

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { } text && !string.IsNullOrWhiteSpace(text)
            ? text.Trim()
            : null;

    private static string? FirstLine(string? text) =>
        text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private static string Shorten(string text)
    {
        var oneLine = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return oneLine.Length <= MaxDescriptionLength ? oneLine : oneLine[..(MaxDescriptionLength - 1)] + "…";
    }
}

using System.Text.RegularExpressions;

namespace Wegent.Executor.Configuration;

/// <summary>One assignment read from config.env, with where it came from for error messages.</summary>
public sealed record ConfigEnvEntry(string Key, string Value, int LineNumber);

/// <summary>Reads <c>config.env</c>: KEY=VALUE lines, # comments, blank lines, optional <c>export </c>, optional quotes.</summary>
public static partial class ConfigEnvFile
{
    public const string FileName = "config.env";

    public static IReadOnlyDictionary<string, ConfigEnvEntry> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path} cannot be read: {e.Message}");
        }

        return Parse(lines, path);
    }

    public static IReadOnlyDictionary<string, ConfigEnvEntry> Parse(IReadOnlyList<string> lines, string path)
    {
        var entries = new Dictionary<string, ConfigEnvEntry>(StringComparer.Ordinal);
        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var lineNumber = index + 1;
            var entry = ParseAssignment(line, lineNumber)
                ?? throw new ConfigurationException(
                    $"{path} line {lineNumber} is not valid: expected KEY=VALUE (optionally quoted, optionally after 'export ')");
            entries[entry.Key] = entry;
        }

        return entries;
    }

    private static ConfigEnvEntry? ParseAssignment(string line, int lineNumber)
    {
        var match = Assignment().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var value = match.Groups["value"].Value.Trim();
        if (value.Length > 0 && (value[0] == '"' || value[0] == '\''))
        {
            if (value.Length < 2 || value[^1] != value[0])
            {
                return null;
            }

            value = value[1..^1];
        }

        return new ConfigEnvEntry(match.Groups["key"].Value, value, lineNumber);
    }

    [GeneratedRegex(@"^(?:export\s+)?(?<key>[A-Za-z_][A-Za-z0-9_]*)\s*=(?<value>.*)$")]
    private static partial Regex Assignment();
}

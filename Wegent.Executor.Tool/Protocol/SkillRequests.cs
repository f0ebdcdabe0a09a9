using System.Text.Json.Nodes;

namespace Wegent.Executor.Protocol;

/// <summary>A skill the task wants installed, by name, with the backend's exact reference when it sent one.</summary>
public sealed record SkillRequest(string Name, SkillReference? Reference);

/// <summary>What identifies a skill on the backend: the same name can exist in several namespaces (a user's private
/// <c>default</c>, a team's, the public one), so a name alone does not.</summary>
public sealed record SkillReference(long SkillId, string Namespace);

/// <summary>Reads the skills of a task: the names in <c>bot[0].skills</c>, <c>skill_names</c> and <c>preload_skills</c>,
/// each with its reference from <c>preload_skill_refs</c>, else <c>skill_refs</c> (top-level over bot[0]'s), as the
/// upstream executor resolves them (PROTOCOL-RESPONSES.md section 5).</summary>
internal static class SkillRequests
{
    public const string DefaultNamespace = "default";

    public static IReadOnlyList<SkillRequest> Read(JsonObject payload, JsonObject? bot, IReadOnlyList<string> botSkills, PayloadReader reader)
    {
        var names = botSkills
            .Concat(reader.Names(payload, "skill_names", "skill_names"))
            .Concat(reader.Names(payload, "preload_skills", "preload_skills"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // Lowest precedence first: each later map overrides the references of the names it holds.
        var references = new Dictionary<string, SkillReference>(StringComparer.Ordinal);
        AddReferences(bot, "skill_refs", "bot[0].skill_refs", references, reader);
        AddReferences(payload, "skill_refs", "skill_refs", references, reader);
        AddReferences(bot, "preload_skill_refs", "bot[0].preload_skill_refs", references, reader);
        AddReferences(payload, "preload_skill_refs", "preload_skill_refs", references, reader);
        return [.. names.Select(name => new SkillRequest(name, references.GetValueOrDefault(name)))];
    }

    private static void AddReferences(JsonObject? owner, string key, string path, Dictionary<string, SkillReference> references, PayloadReader reader)
    {
        if (reader.Object(owner, key, path) is not { } map) return;
        foreach (var (name, node) in map)
        {
            var entryPath = $"{path}.{PayloadReader.Key(name)}";
            switch (node)
            {
                case null:
                    continue;
                case JsonObject entry when entry["skill_id"] is null:
                    // A reference without an id identifies nothing: the name is looked up as on older backends.
                    continue;
                case JsonObject entry:
                    var id = PayloadReader.Id(entry["skill_id"], entryPath + ".skill_id", out var error);
                    var space = reader.String(entry, "namespace", entryPath + ".namespace");
                    if (error is not null) reader.Error(entryPath + ".skill_id", entry["skill_id"], "a positive integer");
                    else references[name.Trim()] = new SkillReference(id!.Value, string.IsNullOrWhiteSpace(space) ? DefaultNamespace : space.Trim());
                    break;
                default:
                    reader.Error(entryPath, node, "an object with skill_id and namespace");
                    break;
            }
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Wegent.E2E.Infrastructure;

/// <summary>One generated backend event: its payload as JSON text, and the subtask id the executor can read from it
/// (set by construction: the generator knows which ids it wrote readably).</summary>
public sealed record HostilePayload(string Event, string Json, long? ReadableSubtaskId);

/// <summary>What hostile payloads point at on the dev backend: zip-slip skills and attachments with hostile names, the
/// token that lets the executor download them, and a directory whose files a successful trick would create.</summary>
public sealed record HostileTargets(string AuthToken, IReadOnlyList<string> SkillNames, IReadOnlyList<JsonObject> Attachments, string TrapDirectory);

/// <summary>Generates hostile <c>task:execute</c>, <c>chat:message</c>, <c>task:cancel</c> and other events over the
/// real socket: wrong types, nulls, missing keys, huge strings, deep nesting, broken unicode, path tricks in ids, repo
/// names and branches, option injection, zip slips in skills and hostile attachment names. Seeded, so repeatable.</summary>
public sealed class HostilePayloads(int seed, long firstSubtaskId, HostileTargets targets)
{
    /// <summary>A string the generator swaps for lone UTF-16 surrogates in the JSON text, which no JsonNode can hold.</summary>
    private const string LoneSurrogates = "@@lone-surrogates@@";

    private readonly Random _random = new(seed);
    private readonly List<long> _readable = [];

    public HostilePayload Next(int index)
    {
        var subtaskId = firstSubtaskId + index;
        var roll = _random.Next(100);
        return roll switch
        {
            < 50 => Execute("task:execute", subtaskId),
            < 65 => Execute("chat:message", subtaskId),
            < 85 => Cancel(),
            < 92 => Text("task:close-session", Pick<JsonNode?>(null, new JsonObject { ["task_id"] = Odd(0) }, new JsonObject { ["task_id"] = subtaskId })),
            _ => Text(Pick("task:EXECUTE", "task:execute ", "", "../../task", "task:execute\u0000", new string('e', 5_000)), Odd(0)),
        };
    }

    private HostilePayload Execute(string eventName, long subtaskId)
    {
        if (_random.Next(8) == 0) return Text(eventName, Pick<JsonNode?>(null, Odd(0), Nested(_random.Next(65, 400)), "task"));
        if (_random.Next(6) == 0)
        {
            // A subtask id that cannot be read: nothing can be answered, only logged.
            var unreadable = Pick<JsonNode?>(null, 0, -subtaskId, 1.5, "12a", "../../1", "-3", "\uff11\uff12", true, new JsonObject(), new JsonArray(), 1e300, "99999999999999999999999");
            return Text(eventName, WithFields(new JsonObject { ["subtask_id"] = unreadable, ["task_id"] = subtaskId }));
        }

        _readable.Add(subtaskId);
        var payload = WithFields(new JsonObject
        {
            // A digit string is a readable id too.
            ["subtask_id"] = _random.Next(10) == 0 ? subtaskId.ToString(CultureInfo.InvariantCulture) : subtaskId,
            ["task_id"] = _random.Next(8) == 0 ? Pick<JsonNode?>(null, -1, "../../7", 0.5, new JsonArray()) : subtaskId - _random.Next(3),
        });
        return new HostilePayload(eventName, JsonText(payload), subtaskId);
    }

    /// <summary>Each field is missing, of the wrong type (1 in 8), or of the right type with a hostile value: mostly the
    /// latter, so that many payloads get past validation into the workspace, clone and download code.</summary>
    private JsonObject WithFields(JsonObject payload)
    {
        if (_random.Next(6) > 0) payload["prompt"] = OrOdd(Prompt());
        payload["auth_token"] = OrOdd(targets.AuthToken);
        foreach (var key in (string[])["task_title", "subtask_title", "git_url", "git_repo", "branch_name", "bot", "attachments", "new_session", "user", "team_namespace", "mode", "trace_context"])
        {
            if (_random.Next(2) == 0) continue;
            payload[key] = OrOdd(key switch
            {
                "task_title" or "subtask_title" => Pick<JsonNode?>(Huge(200_000), LoneSurrogates, "../../../title", "\u202e\ud83d\ude00 title"),
                "git_url" => GitUrl(),
                "git_repo" => Pick<JsonNode?>("../../escape", "/etc", "..", "a/../../b"),
                "branch_name" => Pick<JsonNode?>($"--upload-pack=touch {Trap("branch")}", "-b", "../../..", "main\nmaster"),
                "bot" => new JsonArray(Bot()),
                "attachments" => Attachments(),
                "new_session" => _random.Next(2) == 0,
                "team_namespace" => Pick<JsonNode?>("../../ns", "default/../x", "default"),
                _ => Odd(0),
            });
        }

        return payload;
    }

    private JsonNode? OrOdd(JsonNode? value) => _random.Next(8) == 0 ? Odd(0) : value;

    private JsonNode? Prompt() => _random.Next(12) switch
    {
        0 => Huge(1_100_000), // over the executor's prompt limit
        1 => LoneSurrogates,
        2 => "[attachment:../../x] [attachment:-1] [attachment:99999999]",
        3 => string.Concat(Enumerable.Repeat("\u202e\u0000😀\ufeff", _random.Next(1, 200))),
        4 => Odd(0),
        _ => "Write hello.py",
    };

    private JsonNode? GitUrl() => Pick<JsonNode?>(
        "https://127.0.0.1:1/../../escape.git",
        "http://127.0.0.1:1/a/..%2f..%2fescape",
        "git@127.0.0.1:../../escape.git",
        $"ssh://-oProxyCommand=touch%20{Trap("ssh")}/x.git",
        $"ext::sh -c touch% {Trap("ext")}",
        "file:///etc",
        "--upload-pack=touch",
        "https://127.0.0.1:1/..",
        "https://user:secret@127.0.0.1:1/x.git");

    private JsonObject Bot() => new()
    {
        ["shell_type"] = "ClaudeCode",
        ["skills"] = new JsonArray([.. targets.SkillNames.Select(name => (JsonNode)name), "../../etc", "..", ".hidden", "a/b", "x\u0000y"]),
        ["agent_config"] = OrOdd(new JsonObject { ["env"] = new JsonObject { ["model"] = "claude", ["api_key"] = "${HOME}", ["base_url"] = "http://127.0.0.1:1/v1", ["ANTHROPIC_BASE_URL"] = Odd(0) } }),
        ["system_prompt"] = OrOdd(Pick<JsonNode?>(Huge(200_000), LoneSurrogates, "be brief")),
        ["mcp_servers"] = OrOdd(new JsonObject { ["x"] = new JsonObject { ["command"] = "touch", ["args"] = new JsonArray(Trap("mcp")) } }),
    };

    private JsonArray Attachments()
    {
        var list = new JsonArray();
        foreach (var attachment in targets.Attachments)
        {
            if (_random.Next(2) == 0) list.Add(attachment.DeepClone());
        }

        list.Add(new JsonObject { ["id"] = "../../x", ["original_filename"] = "../../../escape.txt" });
        list.Add(new JsonObject { ["id"] = 99_999_999, ["original_filename"] = "/etc/passwd" });
        list.Add(Odd(0));
        return list;
    }

    private HostilePayload Cancel()
    {
        // Readable ids of earlier payloads may still be queued: such a cancel is answered with CANCELLED instead.
        JsonNode? subtask = _readable.Count > 0 && _random.Next(3) == 0 ? _readable[_random.Next(_readable.Count)] : Odd(0);
        return Text("task:cancel", _random.Next(5) == 0 ? Odd(0) : new JsonObject { ["subtask_id"] = subtask, ["task_id"] = Odd(0) });
    }

    private static HostilePayload Text(string eventName, JsonNode? payload) => new(eventName, JsonText(payload), null);

    private static string JsonText(JsonNode? payload) =>
        payload is null ? "null" : payload.ToJsonString().Replace($"\"{LoneSurrogates}\"", "\"\\udc00 lone \\ud800\"", StringComparison.Ordinal);

    private JsonNode? Odd(int depth) => _random.Next(depth > 3 ? 9 : 12) switch
    {
        0 => null,
        1 => -_random.Next(),
        2 => _random.NextDouble() * 1e18,
        3 => "../../../../etc/passwd",
        4 => true,
        5 => "1; rm -rf /",
        6 => string.Concat(Enumerable.Repeat("\u0000\u202e😀", _random.Next(1, 50))),
        7 => "C:\\Windows\\..\\" + _random.Next(),
        8 => "",
        9 => new JsonArray(Odd(depth + 1), Odd(depth + 1)),
        10 => new JsonObject { ["nested"] = Odd(depth + 1), ["env"] = Odd(depth + 1) },
        _ => Nested(_random.Next(2, 200)),
    };

    /// <summary>Arrays in arrays: deeper than the 64 levels System.Text.Json reads by default.</summary>
    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private string Huge(int length) => new(Pick('x', '/', '.'), length);

    private string Trap(string name) => Path.Combine(targets.TrapDirectory, "pwned-" + name);

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];
}

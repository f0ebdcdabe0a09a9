using System.Text.Json.Nodes;
using Wegent.Executor.Tasks;

namespace Wegent.Executor.Tests.Tasks;

public sealed class SubAgentFilesTests : IDisposable
{
    private readonly DirectoryInfo _config = Directory.CreateTempSubdirectory("wegent-subagents-");

    public void Dispose() => _config.Delete(recursive: true);

    private static JsonObject Task(string mode, string bots) =>
        JsonNode.Parse($$"""{"task_id": 1, "mode": "{{mode}}", "bot": {{bots}}}""")!.AsObject();

    private const string Team = """
        [{"name": "Lead", "system_prompt": "You lead."},
         {"name": "Code Reviewer", "role": "Reviews diffs", "system_prompt": "You review code.\nBe strict."},
         {"name": "Tester", "system_prompt": "Write tests first.\nThen run them."},
         {"name": "tester"},
         {"name": "日本"}]
        """;

    [Fact]
    public void In_coordinate_mode_every_bot_but_the_first_becomes_a_sub_agent()
    {
        var agents = SubAgentFiles.From(Task("coordinate", Team));

        Assert.Equal(
            [
                new SubAgentDefinition("code-reviewer", "Reviews diffs", "You review code.\nBe strict."),
                new SubAgentDefinition("tester", "Write tests first.", "Write tests first.\nThen run them."),
                new SubAgentDefinition("tester-2", "Team member tester", null),
                new SubAgentDefinition("member-4", "Team member 日本", null),
            ],
            agents);
    }

    [Theory]
    [InlineData("pipeline")]
    [InlineData("route")]
    [InlineData("collaborate")]
    public void Other_modes_have_no_sub_agents(string mode)
    {
        Assert.Empty(SubAgentFiles.From(Task(mode, Team)));
    }

    [Fact]
    public void Renders_front_matter_and_the_system_prompt_as_body()
    {
        var text = SubAgentFiles.Render(new SubAgentDefinition("code-reviewer", "Reviews \"diffs\": strictly", "You review code.\n"));

        Assert.Equal("---\nname: code-reviewer\ndescription: \"Reviews \\\"diffs\\\": strictly\"\n---\n\nYou review code.\n", text);
    }

    [Fact]
    public void Writes_one_file_per_sub_agent_into_the_config_dir_and_removes_those_of_an_earlier_team()
    {
        var agents = Path.Combine(_config.FullName, SubAgentFiles.DirectoryName);
        Directory.CreateDirectory(agents);
        File.WriteAllText(Path.Combine(agents, "old-member.md"), "stale");

        var written = SubAgentFiles.Write(Task("coordinate", """[{"name": "lead"}, {"name": "helper", "system_prompt": "Help."}]"""), _config.FullName);

        Assert.Equal([Path.Combine(agents, "helper.md")], written);
        Assert.Equal(["helper.md"], Directory.EnumerateFiles(agents).Select(Path.GetFileName));
        Assert.EndsWith("\n---\n\nHelp.\n", File.ReadAllText(written[0]), StringComparison.Ordinal);

        SubAgentFiles.Write(Task("pipeline", """[{"name": "lead"}, {"name": "helper"}]"""), _config.FullName);
        Assert.Empty(Directory.EnumerateFiles(agents));
    }
}

using System.Text.Json.Nodes;
using Wegent.Executor.Protocol;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class GitIdentityTests
{
    [Theory]
    [InlineData("""{"user": {"git_login": "octo", "user_name": "jan", "name": "J"}}""", "octo")]
    [InlineData("""{"user": {"user_name": "jan", "name": "Jan"}}""", "jan")]
    [InlineData("""{"user": {"name": "alice"}, "user_name": "alice-top"}""", "alice")]
    [InlineData("""{"user": {"git_login": null, "name": null}, "user_name": "alice"}""", "alice")]
    [InlineData("""{"user": null, "user_name": null}""", null)]
    public void The_commit_name_is_the_login_else_the_user_name_of_either_payload_generation(string payload, string? name)
    {
        var raw = JsonNode.Parse(payload)!.AsObject();
        raw["task_id"] = 1;
        raw["subtask_id"] = 2;
        raw["prompt"] = "p";

        Assert.Equal(name, GitIdentity.From(TaskPayloadParser.ParseExecute(raw).Value!, s => s).Name);
    }
}

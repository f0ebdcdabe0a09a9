using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

public sealed class BoundedTextTailTests
{
    [Fact]
    public void Only_the_last_capacity_characters_are_kept()
    {
        var tail = new BoundedTextTail(capacity: 10);

        tail.AppendLine("first line");
        tail.AppendLine("last");

        Assert.Equal("line\nlast", tail.ToString());
    }
}

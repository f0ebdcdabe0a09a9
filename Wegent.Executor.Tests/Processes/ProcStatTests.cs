using Wegent.Executor.Processes;

namespace Wegent.Executor.Tests.Processes;

public sealed class ProcStatTests
{
    [Fact]
    public void A_command_name_with_spaces_and_parentheses_does_not_shift_the_fields()
    {
        const string Line = "4242 (we ird) (name) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615";

        var stat = ProcStat.Parse(4242, Line);

        Assert.Equal(new ProcStat(new ProcessIdentity(4242, 987654), 17, 'S', CpuTicks: 3), stat);
        Assert.Equal(TimeSpan.FromMilliseconds(30), stat!.CpuTime);
    }

    [Fact]
    public void A_zombie_is_recognised()
    {
        var stat = ProcStat.Parse(7, "7 (sleep) Z 1 7 7 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 555 0 0 0");

        Assert.True(stat?.IsZombie);
    }

    [Fact]
    public void A_truncated_line_is_rejected()
    {
        Assert.Null(ProcStat.Parse(7, "7 (sleep) S 1 7"));
    }
}

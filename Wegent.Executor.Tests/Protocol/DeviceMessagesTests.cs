using Wegent.Executor.Protocol;

namespace Wegent.Executor.Tests.Protocol;

public class DeviceMessagesTests
{
    [Fact]
    public void Capacity_with_nothing_running_names_no_task()
    {
        var capacity = RuntimeCapacity.Observe(4, [], 0);

        Assert.Equal((4, 0, 0), (capacity.Limit, capacity.Active, capacity.Queued));
        Assert.Empty(capacity.ActiveTaskIds);
    }

    [Fact]
    public void Capacity_counts_a_task_with_several_subtasks_once()
    {
        var capacity = RuntimeCapacity.Observe(2, [5, 5, 9, 5], 1);

        Assert.Equal(2, capacity.Active);
        Assert.Equal(["5", "9"], capacity.ActiveTaskIds);
        Assert.Equal(1, capacity.Queued);
    }

    [Fact]
    public void Capacity_stays_within_the_backend_s_bounds_whatever_the_inputs()
    {
        var many = RuntimeCapacity.Observe(64, Enumerable.Range(1, 25).Select(i => (long)i), 3);
        var none = RuntimeCapacity.Observe(0, [], -2);

        Assert.Equal(20, many.Limit);
        Assert.Equal(20, many.Active);
        Assert.Equal(20, many.ActiveTaskIds.Distinct().Count());
        Assert.Equal(1, none.Limit);
        Assert.Equal(0, none.Queued);
    }

    [Fact]
    public void The_executor_version_is_cut_to_the_backend_s_50_characters_however_it_is_set()
    {
        var longVersion = "1.0.0-preview." + new string('9', 60);
        var registration = new DeviceRegistration("d", "n", longVersion, ["claude_code"], "runtime-1");

        Assert.Equal(longVersion[..50], registration.ExecutorVersion);
        Assert.Equal(longVersion[..50], (registration with { ExecutorVersion = longVersion }).ExecutorVersion);
        Assert.Equal("0.1.0", (registration with { ExecutorVersion = "0.1.0" }).ExecutorVersion);
    }
}

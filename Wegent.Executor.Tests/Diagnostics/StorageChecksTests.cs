using Wegent.Executor.Diagnostics;

namespace Wegent.Executor.Tests.Diagnostics;

public sealed class StorageChecksTests
{
    private const long MB = 1024 * 1024;
    private const long GB = 1024 * MB;

    [Fact]
    public void The_workspace_line_gives_its_size_task_folders_and_path()
    {
        var result = StorageChecks.Workspace("/home/u/.wegent-executor/workspace", new DirectoryUsage(true, 1_288_490_189, 900, 37, 0), 50 * GB, 14);

        Assert.Equal("✓ Workspace: 1.2 GB in 37 task folders (/home/u/.wegent-executor/workspace)", result.Format());
    }

    [Fact]
    public void A_workspace_larger_than_the_free_space_fails_and_suggests_the_retention_setting()
    {
        var result = StorageChecks.Workspace("/ws", new DirectoryUsage(true, 30 * GB, 10, 1, 0), 20 * GB, 14);

        Assert.False(result.Passed);
        Assert.Contains("30.0 GB in 1 task folder (/ws), more than the 20.0 GB still free on its disk", result.Detail, StringComparison.Ordinal);
        Assert.Contains("lower LOCAL_WORKSPACE_RETENTION_DAYS (now 14)", result.Fix, StringComparison.Ordinal);
        Assert.Contains("delete old task folders in /ws", result.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void With_retention_off_the_fix_says_to_turn_it_on()
    {
        var result = StorageChecks.Workspace("/ws", new DirectoryUsage(true, 30 * GB, 10, 3, 0), 1 * GB, 0);

        Assert.Contains("set LOCAL_WORKSPACE_RETENTION_DAYS (e.g. 14; it is 0", result.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_directories_pass_with_what_that_means()
    {
        Assert.Equal("✓ Workspace: empty, not created yet (/ws)", StorageChecks.Workspace("/ws", DirectoryUsage.Missing, 0, 14).Format());
        Assert.Equal("✓ Logs: none yet (/logs)", StorageChecks.Logs("/logs", DirectoryUsage.Missing, 10 * MB, 5).Format());
    }

    [Fact]
    public void Unreadable_entries_are_named_in_the_line()
    {
        var result = StorageChecks.Workspace("/ws", new DirectoryUsage(true, 2048, 2, 2, 3), 1 * GB, 14);

        Assert.True(result.Passed);
        Assert.EndsWith("(/ws); 3 entries could not be read and are not counted", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_logs_line_gives_size_and_file_count()
    {
        var result = StorageChecks.Logs("/logs", new DirectoryUsage(true, 12_897_485, 6, 0, 0), 10 * MB, 5);

        Assert.Equal("✓ Logs: 12.3 MB in 6 files (/logs)", result.Format());
    }

    [Theory]
    [InlineData(70, true)]  // live file + 5 backups of 10 MB, plus one oversized line's slack
    [InlineData(71, false)]
    public void Logs_fail_only_beyond_what_rotation_keeps(long megabytes, bool passes)
    {
        var result = StorageChecks.Logs("/logs", new DirectoryUsage(true, megabytes * MB, 9, 0, 0), 10 * MB, 5);

        Assert.Equal(passes, result.Passed);
        if (!passes)
        {
            Assert.Contains("more than rotation keeps (60.0 MB: the live file and 5 backups of 10.0 MB)", result.Detail, StringComparison.Ordinal);
            Assert.Contains("WEGENT_EXECUTOR_LOG_BACKUP_COUNT", result.Fix, StringComparison.Ordinal);
        }
    }
}

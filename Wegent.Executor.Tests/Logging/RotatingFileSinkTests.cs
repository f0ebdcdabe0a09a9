using System.Text;
using Serilog.Events;
using Serilog.Formatting;
using Wegent.Executor.Logging;
using Wegent.Executor.Tests.Configuration;

namespace Wegent.Executor.Tests.Logging;

public sealed class RotatingFileSinkTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string LivePath => _temp.Combine("executor.log");

    /// <summary>Writes just the message and a newline, so sizes are easy to reason about.</summary>
    private sealed class MessageOnly : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output) => output.Write(logEvent.MessageTemplate.Text + "\n");
    }

    private static LogEvent Line(int number) => LogEvents.Create($"line-{number:D4}-" + new string('x', 40));

    private static int BytesOf(int number) => Encoding.UTF8.GetByteCount(Line(number).MessageTemplate.Text + "\n");

    /// <summary>Issue 12 item 9: executor.log was 644 (the default umask); it names tasks, repositories and errors.</summary>
    [TestSupport.UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void New_log_files_are_the_owners_alone()
    {
        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), maxBytes: BytesOf(0) + 1, backupCount: 1))
        {
            sink.Emit(Line(0));
            sink.Emit(Line(1));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LivePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RotatingFileSink.BackupPath(LivePath, 1)));
    }

    [Fact]
    public void A_full_disk_is_reported_once_and_never_throws()
    {
        if (!File.Exists("/dev/full")) return; // Linux only: /dev/full fails every write with "No space left on device".
        File.CreateSymbolicLink(LivePath, "/dev/full");
        var failures = new List<string>();

        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), maxBytes: 1_000_000, backupCount: 2, failures.Add))
        {
            for (var number = 0; number < 10; number++) sink.Emit(Line(number));
        }

        var failure = Assert.Single(failures);
        Assert.Contains("space", failure, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rotates_into_numbered_backups_keeping_the_live_name_and_dropping_the_oldest()
    {
        var perFile = 4;
        var maxBytes = BytesOf(0) * perFile;
        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), maxBytes, backupCount: 2))
        {
            for (var number = 0; number < perFile * 4; number++)
            {
                sink.Emit(Line(number));
            }
        }

        // 16 lines, 4 per file: live holds 12..15, .1 holds 8..11, .2 holds 4..7, 0..3 were dropped.
        Assert.Equal(Numbers(12, 15), NumbersIn(LivePath));
        Assert.Equal(Numbers(8, 11), NumbersIn(LivePath + ".1"));
        Assert.Equal(Numbers(4, 7), NumbersIn(LivePath + ".2"));
        Assert.False(File.Exists(LivePath + ".3"));
        Assert.All(Directory.GetFiles(_temp.Path), file => Assert.True(new FileInfo(file).Length <= maxBytes));
    }

    [Fact]
    public void Appends_to_an_existing_live_file_counting_its_size()
    {
        var earlier = new string('o', (BytesOf(0) * 3) - 1);
        File.WriteAllText(LivePath, earlier + "\n");
        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), BytesOf(0) * 4, backupCount: 1))
        {
            sink.Emit(Line(1));
            sink.Emit(Line(2));
        }

        Assert.Equal([2], NumbersIn(LivePath));
        Assert.Equal([earlier, "line-0001-" + new string('x', 40)], File.ReadAllLines(LivePath + ".1"));
    }

    [Fact]
    public void Backup_count_zero_truncates_the_live_file()
    {
        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), BytesOf(0) * 2, backupCount: 0))
        {
            for (var number = 0; number < 5; number++)
            {
                sink.Emit(Line(number));
            }
        }

        Assert.Equal([4], NumbersIn(LivePath));
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void A_line_larger_than_the_limit_is_still_written_whole()
    {
        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), maxBytes: 10, backupCount: 1))
        {
            sink.Emit(Line(1));
            sink.Emit(Line(2));
        }

        Assert.Equal([2], NumbersIn(LivePath));
        Assert.Equal([1], NumbersIn(LivePath + ".1"));
    }

    [Fact]
    public void Concurrent_writers_never_tear_or_lose_lines()
    {
        const int writers = 8;
        const int linesPerWriter = 500;
        const int backups = 1000;
        using (var sink = new RotatingFileSink(LivePath, new MessageOnly(), BytesOf(0) * 37, backups))
        {
            Parallel.For(0, writers, writer =>
            {
                for (var index = 0; index < linesPerWriter; index++)
                {
                    sink.Emit(Line((writer * linesPerWriter) + index));
                }
            });
        }

        var lines = Directory.GetFiles(_temp.Path).SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(writers * linesPerWriter, lines.Count);
        Assert.All(lines, line => Assert.Matches(@"^line-\d{4}-x{40}$", line));
        Assert.Equal(writers * linesPerWriter, lines.Distinct().Count());
        Assert.All(Directory.GetFiles(_temp.Path), file => Assert.Equal(0, new FileInfo(file).Length % BytesOf(0)));
        // Read oldest (.N) to newest (live), each writer's lines come in the order it wrote them: backups shifted right.
        var backupCount = Directory.GetFiles(_temp.Path).Length - 1;
        var chronological = Enumerable.Range(1, backupCount).Reverse().Select(n => RotatingFileSink.BackupPath(LivePath, n)).Append(LivePath)
            .SelectMany(NumbersIn).ToList();
        Assert.All(Enumerable.Range(0, writers), writer =>
            Assert.Equal(Numbers(writer * linesPerWriter, ((writer + 1) * linesPerWriter) - 1), chronological.Where(n => n / linesPerWriter == writer)));
    }

    [Fact]
    public void Live_file_can_be_read_while_the_sink_writes()
    {
        using var sink = new RotatingFileSink(LivePath, new MessageOnly(), 1024 * 1024, backupCount: 1);
        sink.Emit(Line(7));

        using var reader = new FileStream(LivePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Assert.Equal("line-0007-" + new string('x', 40) + "\n", new StreamReader(reader).ReadToEnd());
    }

    private static int[] Numbers(int first, int last) => Enumerable.Range(first, last - first + 1).ToArray();

    private static int[] NumbersIn(string path) =>
        File.ReadAllLines(path).Select(line => int.Parse(line.AsSpan(5, 4), provider: null)).ToArray();
}

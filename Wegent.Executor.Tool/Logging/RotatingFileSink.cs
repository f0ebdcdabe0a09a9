using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Wegent.Executor.Logging;

/// <summary>
/// Rotation as the original did it (Python's RotatingFileHandler): the live file keeps its name; when a line would take it
/// past the size limit it is closed and renamed to <c>.1</c>, older backups shift to <c>.2</c> ... <c>.N</c>, the oldest is
/// dropped and a fresh live file is opened, so <c>tail -F</c> keeps working. With no backups the live file is truncated.
/// One lock covers accounting, rotation and the write of a whole line, so a line is never torn across files.
/// A write that fails (a full disk, a removed directory) never throws: the failure is reported once through
/// <c>onWriteFailure</c>, lines are dropped from the file (the console still has them) and writing is retried after
/// <see cref="RetryAfterFailure"/>.
/// </summary>
/// <remarks>Writes with its own append stream: Serilog.Sinks.File's FileSink constructor is obsolete (slated for removal
/// from its public API), and its rolling sink names backups differently.</remarks>
public sealed class RotatingFileSink : ILogEventSink, IDisposable
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly ITextFormatter _formatter;
    private readonly long _maxBytes;
    private readonly int _backupCount;
    private readonly Action<string> _onWriteFailure;
    private FileStream? _file;
    private long? _failedAt;
    private bool _disposed;

    public static TimeSpan RetryAfterFailure { get; } = TimeSpan.FromSeconds(30);

    /// <param name="maxBytes">Size the live file must not exceed (unless a single line is larger).</param>
    /// <param name="backupCount">Rotated files kept; 0 truncates the live file instead.</param>
    /// <param name="onWriteFailure">Told, once per failure, why the file cannot be written.</param>
    public RotatingFileSink(string path, ITextFormatter formatter, long maxBytes, int backupCount, Action<string>? onWriteFailure = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(backupCount);
        _path = Path.GetFullPath(path);
        _formatter = formatter;
        _maxBytes = maxBytes;
        _backupCount = backupCount;
        _onWriteFailure = onWriteFailure ?? (_ => { });
        _file = Open();
    }

    public void Emit(LogEvent logEvent)
    {
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        _formatter.Format(logEvent, buffer);
        var line = Utf8NoBom.GetBytes(buffer.ToString());

        lock (_gate)
        {
            if (_disposed || (_failedAt is { } failedAt && Environment.TickCount64 - failedAt < (long)RetryAfterFailure.TotalMilliseconds))
            {
                return;
            }

            try
            {
                _file ??= Open();
                if (_file.Length > 0 && _file.Length + line.Length > _maxBytes)
                {
                    Rotate();
                }

                // Flushed per line: the file is what people tail and what survives a crash.
                _file.Write(line);
                _file.Flush();
                _failedAt = null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failedAt = Environment.TickCount64;
                CloseQuietly();
                _onWriteFailure(e.Message);
            }
        }
    }

    private void CloseQuietly()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // The unwritten rest of the line is lost with the stream; the console has it.
        }

        _file = null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            CloseQuietly();
        }
    }

    public static string BackupPath(string path, int number) => $"{path}.{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Owner-only when created: task titles, repository URLs and errors in the log are the user's business.</summary>
    private FileStream Open()
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = Configuration.PrivateFile.OwnerReadWrite;
        return new FileStream(_path, options);
    }

    private void Rotate()
    {
        _file?.Dispose();
        try
        {
            if (_backupCount == 0)
            {
                File.WriteAllBytes(_path, []);
            }
            else
            {
                File.Delete(BackupPath(_path, _backupCount));
                for (var number = _backupCount - 1; number >= 1; number--)
                {
                    var older = BackupPath(_path, number);
                    if (File.Exists(older))
                    {
                        File.Move(older, BackupPath(_path, number + 1));
                    }
                }

                File.Move(_path, BackupPath(_path, 1));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // E.g. a reader holding the file open on Windows: keep appending and try again at the next line.
            SelfLog.WriteLine("Log rotation of {0} failed: {1}", _path, e.Message);
        }

        _file = Open();
    }
}

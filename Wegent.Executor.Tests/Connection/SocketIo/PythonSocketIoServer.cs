using System.Diagnostics;
using System.Text;

using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Connection.SocketIo;

/// <summary>Runs socketio_test_server.py (python-socketio + uvicorn) on a free 127.0.0.1 port.</summary>
internal sealed class PythonSocketIoServer : IAsyncDisposable
{
    public const string GoodToken = "good-token";

    private static readonly Lazy<string?> LazyUnavailableReason = new(FindUnavailableReason);
    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private PythonSocketIoServer(Process process, StringBuilder stderr, int port)
    {
        _process = process;
        _stderr = stderr;
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseUrl { get; }

    /// <summary>Why the server cannot run here, or null when it can.</summary>
    public static string? UnavailableReason => LazyUnavailableReason.Value;

    /// <summary>The Python with the Debian packages (socketio, uvicorn, pydantic); WEGENT_PYTHON overrides it.</summary>
    internal static string Python => Environment.GetEnvironmentVariable("WEGENT_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Connection", "SocketIo", "socketio_test_server.py");

    public static async Task<PythonSocketIoServer> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(Wait.DefaultTimeout);
        if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"The test server did not start: '{ready}'. stderr: {stderr}");
        }

        return new PythonSocketIoServer(process, stderr, int.Parse(ready["READY ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    public override string ToString()
    {
        lock (_stderr)
        {
            return $"python-socketio test server at {BaseUrl}; stderr: {_stderr}";
        }
    }

    private static string? FindUnavailableReason()
    {
        if (!File.Exists(ScriptPath))
        {
            return $"The test server script is missing at {ScriptPath}.";
        }

        try
        {
            var start = new ProcessStartInfo(Python, ["-c", "import socketio, uvicorn"])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{Python} cannot import socketio/uvicorn (set WEGENT_PYTHON): {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} cannot be started (set WEGENT_PYTHON): {e.Message}";
        }
    }
}

/// <summary>A fact that needs python-socketio; skipped, with the reason, where it is not installed.</summary>
internal sealed class PythonSocketIoFactAttribute : FactAttribute
{
    public PythonSocketIoFactAttribute()
    {
        if (PythonSocketIoServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

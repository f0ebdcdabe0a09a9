using System.Diagnostics;
using System.Net;
using System.Text;

namespace Wegent.Executor.Tests.Workspace;

/// <summary>Bare repositories served over smart HTTP on 127.0.0.1: <c>git http-backend</c> run as CGI behind an
/// <see cref="HttpListener"/>, demanding Basic auth with one user and token. <see cref="HoldRequests"/> keeps requests
/// waiting, so a test can look at the process list while a clone is in flight.</summary>
internal sealed class GitHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly string _expectedAuthorization;
    private readonly Task _loop;
    private TaskCompletionSource _release = CreateReleased();

    public GitHttpServer(string root, string user, string token)
    {
        Root = root;
        _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{token}"));
        (_listener, Port) = FreePort.StartHttpListener();
        _loop = Task.Run(LoopAsync);
    }

    public string Root { get; }

    public int Port { get; }

    public string UrlOf(string repository) => $"http://127.0.0.1:{Port}/{repository}";

    public int AuthorizedRequests { get; private set; }

    public TaskCompletionSource RequestHeld { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Authorized requests wait until <see cref="ReleaseRequests"/>.</summary>
    public void HoldRequests()
    {
        RequestHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseRequests() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        ReleaseRequests();
        // Close alone: Stop then Close makes the managed listener bind the port again (it may be another test's by now).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static TaskCompletionSource CreateReleased()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (context.Request.Headers["Authorization"] != _expectedAuthorization)
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Basic realm=\"git\"");
                return;
            }

            AuthorizedRequests++;
            RequestHeld.TrySetResult();
            await _release.Task;
            await RunBackendAsync(context);
        }
        finally
        {
            response.Close();
        }
    }

    private async Task RunBackendAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = Root;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["PATH_INFO"] = request.Url!.AbsolutePath;
        start.Environment["QUERY_STRING"] = request.Url.Query.TrimStart('?');
        start.Environment["REQUEST_METHOD"] = request.HttpMethod;
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        start.Environment["REMOTE_USER"] = "test";
        if (request.Headers["Content-Encoding"] is { } encoding) start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        if (request.Headers["Git-Protocol"] is { } protocol) start.Environment["GIT_PROTOCOL"] = protocol;

        using var backend = Process.Start(start)!;
        var output = new MemoryStream();
        var copyOut = backend.StandardOutput.BaseStream.CopyToAsync(output);
        await request.InputStream.CopyToAsync(backend.StandardInput.BaseStream);
        backend.StandardInput.Close();
        await copyOut;
        await backend.WaitForExitAsync();

        var bytes = output.ToArray();
        var headerEnd = IndexOf(bytes, "\r\n\r\n"u8);
        var separator = 4;
        if (headerEnd < 0)
        {
            headerEnd = IndexOf(bytes, "\n\n"u8);
            separator = 2;
        }

        var headers = Encoding.ASCII.GetString(bytes, 0, Math.Max(0, headerEnd));
        var response = context.Response;
        foreach (var line in headers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) response.ContentType = value;
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) response.AddHeader(name, value);
        }

        var body = bytes.AsMemory(headerEnd + separator);
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> pattern) => data.AsSpan().IndexOf(pattern);
}

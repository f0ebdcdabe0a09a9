using System.Net;
using System.Text;

namespace Wegent.Executor.Tests.Workspace;

/// <summary>An HTTP server on 127.0.0.1 answering fixed routes (path and query) and recording what was asked.</summary>
internal sealed class FakeBackendHttp : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Dictionary<string, (int Status, byte[] Body, string? Location)> _routes = new(StringComparer.Ordinal);
    private readonly List<(string PathAndQuery, string? Authorization)> _requests = [];
    private readonly Task _loop;

    public FakeBackendHttp()
    {
        (_listener, Port) = FreePort.StartHttpListener();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public IReadOnlyList<(string PathAndQuery, string? Authorization)> Requests
    {
        get
        {
            lock (_requests) return _requests.ToArray();
        }
    }

    public void Answer(string pathAndQuery, byte[] body, int status = 200) => _routes[pathAndQuery] = (status, body, null);

    public void Answer(string pathAndQuery, string json, int status = 200) => Answer(pathAndQuery, Encoding.UTF8.GetBytes(json), status);

    public void Redirect(string pathAndQuery, string location) => _routes[pathAndQuery] = (302, [], location);

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop then Close makes the managed listener bind the port again (it may be another test's by now).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
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

            var key = context.Request.Url!.PathAndQuery;
            lock (_requests) _requests.Add((key, context.Request.Headers["Authorization"]));
            var response = context.Response;
            if (_routes.TryGetValue(key, out var route))
            {
                response.StatusCode = route.Status;
                if (route.Location is not null) response.RedirectLocation = route.Location;
                response.ContentLength64 = route.Body.Length;
                await response.OutputStream.WriteAsync(route.Body);
            }
            else
            {
                response.StatusCode = 404;
            }

            response.Close();
        }
    }
}

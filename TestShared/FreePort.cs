using System.Net;
using System.Net.Sockets;

namespace Wegent.Testing;

/// <summary>Ports on 127.0.0.1 for the servers tests start.</summary>
public static class FreePort
{
    /// <summary>A port that is free now (the OS picks it). Another process may take it before the test binds it: a
    /// server the test starts itself is safer from <see cref="StartHttpListener"/>.</summary>
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An <see cref="HttpListener"/> started on a free port, trying again when another test took the port first.</summary>
    public static (HttpListener Listener, int Port) StartHttpListener()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = OnLoopback();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }
    }
}

namespace Wegent.AppHost.Dashboard;

/// <summary>The backend whose REST API the dashboard proxies (server-side, so the token never reaches the page).</summary>
public sealed record BackendLink(Uri Url, string Token);

using System.Reflection;

namespace Wegent.Executor.Configuration;

/// <summary>The executor's version: shown by --version and sent as <c>executor_version</c>.</summary>
public static class ExecutorVersion
{
    /// <summary>The informational version without the "+commit" suffix the SDK appends.</summary>
    public static string Current { get; } = FromInformationalVersion(
        typeof(ExecutorVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ExecutorVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0");

    public static string FromInformationalVersion(string informationalVersion)
    {
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informationalVersion : informationalVersion[..plus];
    }
}

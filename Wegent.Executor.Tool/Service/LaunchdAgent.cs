using System.Globalization;
using System.Security;
using System.Text;
using Wegent.Executor.Configuration;

namespace Wegent.Executor.Service;

/// <summary>The launchd user agent (macOS) that runs the executor. launchd cannot skip restarts by exit code, so a bad
/// configuration (exit 2) or a refused token (exit 3) is retried, at most every <see cref="ThrottleSeconds"/> seconds.
/// launchd has no environment file: the executor reads config.env itself from WEGENT_EXECUTOR_HOME.</summary>
public static class LaunchdAgent
{
    public const string Label = "com.wegent.executor";
    public const int ThrottleSeconds = 30;

    public static string FilePath(string userHome) => Path.Combine(userHome, "Library", "LaunchAgents", Label + ".plist");

    public static string Render(ServiceDefinition service)
    {
        var logs = Path.Combine(service.Home, "logs");
        var text = new StringBuilder();
        text.AppendLine("""<?xml version="1.0" encoding="UTF-8"?>""");
        text.AppendLine("""<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">""");
        text.AppendLine("""<plist version="1.0">""");
        text.AppendLine("<dict>");
        Key(text, "Label", Label);
        text.AppendLine("  <key>ProgramArguments</key>");
        text.AppendLine("  <array>");
        foreach (var word in service.Command) text.AppendLine($"    <string>{Xml(word)}</string>");
        text.AppendLine("  </array>");
        text.AppendLine("  <key>EnvironmentVariables</key>");
        text.AppendLine("  <dict>");
        Key(text, KnownSettings.Home.EnvironmentVariable, service.Home, "    ");
        Key(text, "PATH", service.PathVariable, "    ");
        text.AppendLine("  </dict>");
        text.AppendLine("  <key>RunAtLoad</key>");
        text.AppendLine("  <true/>");
        // Restart when it exits with a failure; a clean exit (0, e.g. after SIGTERM) stays stopped.
        text.AppendLine("  <key>KeepAlive</key>");
        text.AppendLine("  <dict>");
        text.AppendLine("    <key>SuccessfulExit</key>");
        text.AppendLine("    <false/>");
        text.AppendLine("  </dict>");
        text.AppendLine("  <key>ThrottleInterval</key>");
        text.AppendLine($"  <integer>{ThrottleSeconds.ToString(CultureInfo.InvariantCulture)}</integer>");
        text.AppendLine("  <key>ExitTimeOut</key>");
        text.AppendLine($"  <integer>{Math.Ceiling(service.StopTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)}</integer>");
        Key(text, "StandardOutPath", Path.Combine(logs, "launchd.out.log"));
        Key(text, "StandardErrorPath", Path.Combine(logs, "launchd.err.log"));
        text.AppendLine("</dict>");
        text.AppendLine("</plist>");
        return text.ToString();
    }

    private static void Key(StringBuilder text, string key, string value, string indent = "  ")
    {
        text.AppendLine($"{indent}<key>{Xml(key)}</key>");
        text.AppendLine($"{indent}<string>{Xml(value)}</string>");
    }

    private static string Xml(string value) => SecurityElement.Escape(value);
}

using System.Globalization;
using System.Text;
using Wegent.Executor.Configuration;
using Wegent.Executor.Processes;

namespace Wegent.Executor.Service;

/// <summary>The systemd user unit that runs the executor: restarts on failure except bad configuration (2) and refusal
/// by the backend (3), which a restart cannot fix; SIGTERM to the executor only (it stops its agents itself).</summary>
public static class SystemdUserUnit
{
    public const string UnitName = "wegent-executor.service";
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);

    /// <summary>~/.config/systemd/user/wegent-executor.service, or under XDG_CONFIG_HOME when set.</summary>
    public static string FilePath(string userHome, string? xdgConfigHome) =>
        Path.Combine(string.IsNullOrEmpty(xdgConfigHome) ? Path.Combine(userHome, ".config") : xdgConfigHome, "systemd", "user", UnitName);

    public static string Render(ServiceDefinition service)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by `wegent-executor service install`; remove with `wegent-executor service uninstall`.");
        text.AppendLine("[Unit]");
        text.AppendLine("Description=Wegent executor (local mode)");
        text.AppendLine("Wants=network-online.target");
        text.AppendLine("After=network-online.target");
        text.AppendLine();
        text.AppendLine("[Service]");
        text.AppendLine("Type=simple");
        text.AppendLine("ExecStart=" + string.Join(' ', service.Command.Select(word => Quote(word.Replace("$", "$$", StringComparison.Ordinal)))));
        text.AppendLine("Environment=" + Quote($"{KnownSettings.Home.EnvironmentVariable}={service.Home}"));
        text.AppendLine("Environment=" + Quote($"PATH={service.PathVariable}"));
        // No EnvironmentFile=config.env: the executor reads config.env itself, and values loaded into its environment
        // would sit in /proc/<pid>/environ and pass to every program it starts.
        text.AppendLine("Restart=on-failure");
        text.AppendLine("RestartSec=" + Seconds(RestartDelay));
        text.AppendLine($"RestartPreventExitStatus={ExitCodes.BadConfiguration} {ExitCodes.RefusedByBackend}");
        text.AppendLine("KillSignal=SIGTERM");
        // mixed: SIGTERM to the executor alone, so it can stop its agents and report; SIGKILL to all only at the timeout.
        text.AppendLine("KillMode=mixed");
        text.AppendLine("TimeoutStopSec=" + Seconds(service.StopTimeout));
        text.AppendLine();
        text.AppendLine("[Install]");
        text.AppendLine("WantedBy=default.target");
        return text.ToString();
    }

    /// <summary>A double-quoted word: backslash and quote escaped, % doubled (systemd specifiers).</summary>
    private static string Quote(string word) =>
        '"' + EscapeSpecifiers(word).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + '"';

    private static string EscapeSpecifiers(string text) => text.Replace("%", "%%", StringComparison.Ordinal);

    private static string Seconds(TimeSpan value) => Math.Ceiling(value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}

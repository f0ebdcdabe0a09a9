namespace Wegent.Executor.Service;

/// <summary>Installs the executor as a per-user service of this platform's service manager. Each call writes what it
/// did, one line each, to <c>output</c> and returns the process exit code.</summary>
public interface IServiceManager
{
    /// <summary>Where the unit/agent file lives.</summary>
    string DefinitionPath { get; }

    Task<int> InstallAsync(ServiceDefinition service, TextWriter output, CancellationToken cancellationToken);

    Task<int> UninstallAsync(TextWriter output, CancellationToken cancellationToken);

    Task<int> StatusAsync(TextWriter output, CancellationToken cancellationToken);
}

public static class ServiceManagers
{
    /// <returns>Null where no per-user service manager is supported (Windows).</returns>
    public static IServiceManager? ForThisPlatform(ICommandRunner runner, string userHome, IReadOnlyDictionary<string, string> environment)
    {
        if (OperatingSystem.IsMacOS()) return new LaunchdServiceManager(runner, userHome);
        if (OperatingSystem.IsLinux())
        {
            return new SystemdServiceManager(runner, SystemdUserUnit.FilePath(userHome, environment.GetValueOrDefault("XDG_CONFIG_HOME")));
        }

        return null;
    }
}

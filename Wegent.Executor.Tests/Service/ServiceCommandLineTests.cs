using Wegent.Executor.Service;

namespace Wegent.Executor.Tests.Service;

public class ServiceCommandLineTests
{
    [Fact]
    public void An_apphost_or_single_file_binary_is_started_directly()
    {
        Assert.Equal(["/opt/bin/wegent-executor"], ServiceCommandLine.For("/opt/bin/wegent-executor", "/opt/bin/wegent-executor.dll"));
    }

    [Fact]
    public void The_dotnet_host_is_started_with_the_executor_dll()
    {
        var command = ServiceCommandLine.For("/usr/share/dotnet/dotnet", "/src/bin/wegent-executor.dll");

        Assert.Equal(["/usr/share/dotnet/dotnet", Path.GetFullPath("/src/bin/wegent-executor.dll")], command);
    }
}

using System.Xml.Linq;
using Wegent.Executor.Service;

namespace Wegent.Executor.Tests.Service;

public class LaunchdAgentTests
{
    private static readonly ServiceDefinition Definition = new(
        ["/Users/ann/.wegent-executor/bin/wegent-executor"],
        "/Users/ann/.wegent-executor",
        "/opt/homebrew/bin:/usr/bin",
        TimeSpan.FromSeconds(10));

    [Fact]
    public void Is_a_valid_plist_restarting_on_failure_with_the_install_time_PATH()
    {
        var plist = XDocument.Parse(LaunchdAgent.Render(Definition with { PathVariable = "/a&b:/usr/bin" }));
        var entries = plist.Root!.Element("dict")!.Elements().ToList();

        XElement After(string key) => entries[entries.FindIndex(e => e.Name == "key" && e.Value == key) + 1];

        Assert.Equal(LaunchdAgent.Label, After("Label").Value);
        Assert.Equal(["/Users/ann/.wegent-executor/bin/wegent-executor"], After("ProgramArguments").Elements("string").Select(e => e.Value));
        var environment = After("EnvironmentVariables").Elements().ToList();
        Assert.Equal("/a&b:/usr/bin", environment[environment.FindIndex(e => e.Value == "PATH") + 1].Value);
        Assert.Equal("/Users/ann/.wegent-executor", environment[environment.FindIndex(e => e.Value == "WEGENT_EXECUTOR_HOME") + 1].Value);
        Assert.Equal("false", After("KeepAlive").Elements().Last().Name.LocalName);
        Assert.True(int.Parse(After("ExitTimeOut").Value, System.Globalization.CultureInfo.InvariantCulture) > 10);
    }
}

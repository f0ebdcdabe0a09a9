using Wegent.Executor.Agents;

namespace Wegent.Executor.Tests.Agents;

/// <summary>Runs <see cref="ClaudeCodeAgent"/> against Fixtures/fake-claude.sh in a fresh temp working directory.</summary>
internal sealed class FakeClaudeCli : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wegent-agent-");

    public FakeClaudeCli()
    {
        ScriptPath = Path.Combine(AppContext.BaseDirectory, "Agents", "Fixtures", "fake-claude.sh");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ScriptPath, File.GetUnixFileMode(ScriptPath) | UnixFileMode.UserExecute);
        }

        Directory.CreateDirectory(WorkingDirectory);
    }

    public string ScriptPath { get; }

    public string WorkingDirectory => Path.Combine(_root.FullName, "work");

    public string ConfigDirectory => Path.Combine(_root.FullName, "config");

    /// <summary>Small timeouts so the stop paths are exercised in well under a second each.</summary>
    public ClaudeCodeAgentOptions Options => new()
    {
        CliPath = ScriptPath,
        IdleTimeout = TimeSpan.FromSeconds(20),
        InterruptGracePeriod = TimeSpan.FromMilliseconds(500),
        ResultExitGracePeriod = TimeSpan.FromMilliseconds(300),
    };

    public AgentRequest Request(string mode, IReadOnlyDictionary<string, string?>? environment = null) => new()
    {
        TaskId = 1,
        SubtaskId = 2,
        Prompt = "Say hi",
        WorkingDirectory = WorkingDirectory,
        ConfigDirectory = ConfigDirectory,
        Environment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>())
        {
            ["FAKE_CLAUDE_MODE"] = mode,
        },
    };

    public string ReadWorkFile(string name) => File.ReadAllText(Path.Combine(WorkingDirectory, name));

    public void Dispose() => _root.Delete(recursive: true);
}

using System.Diagnostics;
using System.Net;
using Wegent.Executor.Agents;
using Wegent.Executor.Configuration;
using Wegent.Executor.Connection.SocketIo;
using Wegent.Executor.Diagnostics;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Tests.Connection.SocketIo;
using Wegent.Executor.Tests.TestSupport;

namespace Wegent.Executor.Tests.Diagnostics;

public sealed class DoctorTests : IDisposable
{
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(5);
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private ExecutorOptions Options(Uri backend, string token = "token") => new()
    {
        BackendUrl = backend,
        AuthToken = token,
        Home = _temp.Combine("home"),
        WorkspaceRoot = _temp.Combine("home", "workspace"),
        LogDirectory = _temp.Combine("home", "logs"),
    };

    /// <summary>A script that answers --version like the Claude Code CLI. A child shell writes it, not this process: a
    /// file this process holds open for writing is inherited by any process another test starts at that moment, and
    /// running the file then fails with "Text file busy" (seen once in a full run).</summary>
    private string FakeCli(string versionLine, int exitCode = 0)
    {
        var path = _temp.Combine("claude");
        var script = $"#!/bin/sh\necho '{versionLine}'\nexit {exitCode}\n";
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, script);
            return path;
        }

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, ArgumentList = { "-c", "cat > \"$1\" && chmod 700 \"$1\"", "sh", path } };
        using var writer = Process.Start(start)!;
        writer.StandardInput.Write(script);
        writer.StandardInput.Close();
        Assert.True(writer.WaitForExit(Wait.DefaultTimeout), "the shell writing the fake CLI did not finish");
        Assert.Equal(0, writer.ExitCode);
        return path;
    }

    private static Task<IReadOnlyList<DoctorCheckResult>> Run(DoctorInput input) =>
        new Doctor(new SocketIoConnectionFactory(), NetworkTimeout).RunAsync(input, CancellationToken.None);

    private static DoctorCheckResult Line(IReadOnlyList<DoctorCheckResult> results, string title) => results.Single(r => r.Title == title);

    private static Uri ClosedPort() => new($"http://127.0.0.1:{FreePort.OnLoopback()}");

    [Fact]
    public async Task A_configuration_error_is_the_first_failed_line_and_network_checks_are_not_attempted()
    {
        var results = await Run(new DoctorInput(null, "WEGENT_BACKEND_URL is not set", FakeCli("2.1.197 (Claude Code)"), Environment.GetEnvironmentVariable("PATH")));

        Assert.Equal("Configuration", results[0].Title);
        Assert.False(results[0].Passed);
        Assert.Contains("WEGENT_BACKEND_URL is not set", results[0].Format(), StringComparison.Ordinal);
        Assert.False(Line(results, "Token accepted").Passed);
        Assert.True(Line(results, "Claude Code CLI").Passed);
    }

    [Fact]
    public async Task An_unreachable_backend_fails_with_the_fix_and_skips_the_token_check()
    {
        var results = await Run(new DoctorInput(Options(ClosedPort()), null, FakeCli("2.1.197 (Claude Code)"), Environment.GetEnvironmentVariable("PATH")));

        var reachable = Line(results, "Backend reachable");
        Assert.False(reachable.Passed);
        Assert.Contains("WEGENT_BACKEND_URL", reachable.Fix, StringComparison.Ordinal);
        Assert.Contains("not reachable", Line(results, "Token accepted").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_the_Claude_CLI_version_and_path_or_how_to_install_it()
    {
        var cli = FakeCli("2.1.197 (Claude Code)");
        var found = Line(await Run(new DoctorInput(null, "x", cli, null)), "Claude Code CLI");
        var missing = Line(await Run(new DoctorInput(null, "x", "claude-not-installed-here", _temp.Path)), "Claude Code CLI");
        var broken = Line(await Run(new DoctorInput(null, "x", FakeCli("boom", exitCode: 3), null)), "Claude Code CLI");

        Assert.True(found.Passed);
        Assert.StartsWith($"! Claude Code CLI: 2.1.197 (Claude Code) ({cli}) — advice: ", found.Format(), StringComparison.Ordinal);
        Assert.False(missing.Passed);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", missing.Fix, StringComparison.Ordinal);
        Assert.False(broken.Passed);
        Assert.Contains("exited 3", broken.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.1.197 (Claude Code)", true)]
    [InlineData("2.0.99 (Claude Code)", true)]
    [InlineData(ClaudeCodeAgentOptions.NewestTestedCliVersion + " (Claude Code)", false)]
    [InlineData("2.2.0 (Claude Code)", false)]
    [InlineData("3.0 (Claude Code)", false)]
    [InlineData("nightly-build (Claude Code)", false)]
    public async Task A_CLI_older_than_the_newest_tested_one_passes_with_advice_to_update(string versionLine, bool advised)
    {
        var cli = FakeCli(versionLine);

        var line = Line(await Run(new DoctorInput(null, "x", cli, null)), "Claude Code CLI");

        Assert.True(line.Passed);
        if (advised)
        {
            Assert.Equal($"! Claude Code CLI: {versionLine} ({cli}) — advice: older than {ClaudeCodeAgentOptions.NewestTestedCliVersion}, the newest Claude Code "
                + $"this executor is tested with; tasks keep working; to update: npm install -g @anthropic-ai/claude-code@{ClaudeCodeAgentOptions.NewestTestedCliVersion}",
                line.Format());
        }
        else
        {
            Assert.Equal($"✓ Claude Code CLI: {versionLine} ({cli})", line.Format());
        }
    }

    [Fact]
    public async Task Git_is_looked_for_on_the_given_PATH()
    {
        var results = await Run(new DoctorInput(null, "x", "claude", _temp.Path));

        Assert.False(Line(results, "git").Passed);
        Assert.Contains("install git", Line(results, "git").Format(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bwrap_sandbox_is_looked_for_on_the_given_PATH_only_when_chosen()
    {
        var options = Options(ClosedPort()) with { AgentSandbox = "bwrap" };

        var missing = await Run(new DoctorInput(options, null, "claude", _temp.Path));
        var notChosen = await Run(new DoctorInput(Options(ClosedPort()), null, "claude", _temp.Path));

        Assert.StartsWith("✗ Agent sandbox: LOCAL_AGENT_SANDBOX is bwrap but 'bwrap' is not on PATH", Line(missing, "Agent sandbox").Format(), StringComparison.Ordinal);
        Assert.DoesNotContain(notChosen, r => r.Format().Contains("Agent sandbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Creates_and_checks_the_directories_and_reports_free_space()
    {
        var options = Options(ClosedPort());

        var results = await Run(new DoctorInput(options, null, "claude", null));

        Assert.True(Line(results, "Directories writable").Passed);
        Assert.True(Directory.Exists(options.OutboxDirectory));
        Assert.Empty(Directory.GetFiles(options.Home));
        Assert.Matches(@"^\d+(\.\d)? [KMGTP]?B free for ", Line(results, "Disk space").Detail);
        Assert.Equal($"✓ Workspace: 0 B in 0 task folders ({options.WorkspaceRoot})", Line(results, "Workspace").Format());
        Assert.Equal($"✓ Logs: 0 B in 0 files ({options.LogDirectory})", Line(results, "Logs").Format());
    }

    [Fact]
    public async Task Measures_the_workspace_and_the_logs_and_fails_logs_beyond_what_rotation_keeps()
    {
        var options = Options(ClosedPort()) with { LogMaxFileBytes = 1000, LogBackupCount = 1 };
        foreach (var task in (string[])["11", "12"])
        {
            Directory.CreateDirectory(Path.Combine(options.WorkspaceRoot, task, "src"));
            File.WriteAllBytes(Path.Combine(options.WorkspaceRoot, task, "src", "main.c"), new byte[1536]);
        }

        Directory.CreateDirectory(options.LogDirectory);
        foreach (var name in (string[])["executor.log", "executor.log.1", "executor.log.2", "executor.log.3"])
        {
            File.WriteAllBytes(Path.Combine(options.LogDirectory, name), new byte[1000]);
        }

        var results = await Run(new DoctorInput(options, null, "claude", null));

        Assert.Equal($"✓ Workspace: 3.0 KB in 2 task folders ({options.WorkspaceRoot})", Line(results, "Workspace").Format());
        var logs = Line(results, "Logs");
        Assert.False(logs.Passed);
        Assert.StartsWith($"3.9 KB in 4 files ({options.LogDirectory}), more than rotation keeps", logs.Detail, StringComparison.Ordinal);
    }

    [PythonSocketIoFact]
    public async Task The_token_check_is_a_real_Socket_IO_connect_accepted_or_refused()
    {
        await using var server = await PythonSocketIoServer.StartAsync();

        var accepted = await Run(new DoctorInput(Options(server.BaseUrl, PythonSocketIoServer.GoodToken), null, "claude", null));
        var refused = await Run(new DoctorInput(Options(server.BaseUrl, "wrong"), null, "claude", null));

        Assert.True(Line(accepted, "Backend reachable").Passed);
        Assert.True(Line(accepted, "Token accepted").Passed);
        Assert.False(Line(refused, "Token accepted").Passed);
        Assert.Contains("Invalid or expired token", Line(refused, "Token accepted").Detail, StringComparison.Ordinal);
        Assert.Contains("WEGENT_AUTH_TOKEN", Line(refused, "Token accepted").Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_line_carries_its_fix()
    {
        Assert.Equal("✗ git: not found — fix: install git", DoctorCheckResult.Fail("git", "not found", "install git").Format());
        Assert.Equal("✓ git: 2.39", DoctorCheckResult.Pass("git", "2.39").Format());
        Assert.Equal("! git: 2.39 — advice: update", DoctorCheckResult.Advise("git", "2.39", "update").Format());
    }
}

using System.Text;
using Wegent.Executor.Tests.Configuration;
using Wegent.Executor.Tests.TestSupport;
using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

/// <summary>Clones over smart HTTP on 127.0.0.1 from a server that demands the user's token.</summary>
public sealed class RepositoryCheckoutTests : IAsyncLifetime
{
    private const string Token = "ghp-test-token-8f3a91c2";
    private const string Login = "octo";

    private readonly TemporaryDirectory _temp = new();
    private readonly TestLog _log = new();
    private GitHttpServer _server = null!;

    private string TaskDirectory => _temp.Combine("workspace", "7");

    public Task InitializeAsync()
    {
        var root = _temp.Combine("server");
        Directory.CreateDirectory(root);
        TestGit.CreateBareRepository(root, "hello");
        _server = new GitHttpServer(root, Login, Token);
        Directory.CreateDirectory(TaskDirectory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private RepositoryCheckout Checkout(TimeSpan? timeout = null) => new(new GitCommand(), timeout ?? TimeSpan.FromSeconds(60), _log.Logger);

    private static GitIdentity Identity(string? token = Token) => new(Login, Login, "octo@example.com", token, null);

    [Fact]
    public async Task Clones_with_the_token_and_configures_the_user()
    {
        var checkout = await Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(), CancellationToken.None);

        Assert.Equal(Path.Combine(TaskDirectory, "repo", "hello"), checkout);
        Assert.True(File.Exists(Path.Combine(checkout, "README.md")));
        Assert.Equal("octo", TestGit.Run(checkout, "config", "user.name").Trim());
        Assert.Equal("octo@example.com", TestGit.Run(checkout, "config", "user.email").Trim());
        Assert.Equal(TestGit.Run(checkout, "rev-parse", "HEAD").Trim(),
            File.ReadAllText(Path.Combine(TaskDirectory, RepositoryCheckout.BaseCommitFileName)));
        Assert.Equal([RepositoryCheckout.BaseCommitFileName, "repo"], Directory.EnumerateFileSystemEntries(TaskDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_token_is_never_written_to_the_checkout_or_the_log()
    {
        var checkout = await Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(), CancellationToken.None);

        var gitFiles = Directory.EnumerateFiles(Path.Combine(checkout, ".git"), "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length < 1_000_000);
        Assert.All(gitFiles, f => Assert.DoesNotContain(Token, File.ReadAllText(f), StringComparison.Ordinal));
        Assert.DoesNotContain(Token, File.ReadAllText(Path.Combine(checkout, ".git", "config")), StringComparison.Ordinal);
        Assert.All(_log.Lines, l => Assert.DoesNotContain(Token, l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_is_not_in_any_process_arguments_while_the_clone_runs()
    {
        _server.HoldRequests();
        var clone = Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(), CancellationToken.None);
        await _server.RequestHeld.Task.WaitAsync(Wait.DefaultTimeout);

        var commandLines = AllCommandLines();
        _server.ReleaseRequests();
        await clone;

        Assert.Contains(commandLines, c => c.Contains("clone", StringComparison.Ordinal) && c.Contains(_server.UrlOf("hello.git"), StringComparison.Ordinal));
        Assert.All(commandLines, c => Assert.DoesNotContain(Token, c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_token_fails_naming_the_host_and_never_the_token()
    {
        var url = RepositoryUrl.Parse(_server.UrlOf("hello.git"));
        var error = await Assert.ThrowsAsync<WorkspaceException>(() =>
            Checkout().EnsureAsync(TaskDirectory, url, null, Identity("wrong-token-123456"), CancellationToken.None));

        Assert.Contains("Authentication to 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains(url.Host, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-123456", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(TaskDirectory));
    }

    [Fact]
    public async Task Without_a_token_the_clone_fails_fast_instead_of_prompting()
    {
        var error = await Assert.ThrowsAsync<WorkspaceException>(() =>
            Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(null), CancellationToken.None));

        Assert.Contains("Authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_is_not_offered_to_a_host_other_than_the_users_git_domain()
    {
        var identity = Identity() with { Domain = "github.com" };

        await Assert.ThrowsAsync<WorkspaceException>(() =>
            Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, identity, CancellationToken.None));
        Assert.Equal(0, _server.AuthorizedRequests);
    }

    [Fact]
    public async Task The_named_branch_is_checked_out_alone()
    {
        var checkout = await Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), "feature", Identity(), CancellationToken.None);

        Assert.Equal("feature", TestGit.Run(checkout, "rev-parse", "--abbrev-ref", "HEAD").Trim());
        Assert.True(File.Exists(Path.Combine(checkout, "feature.txt")));
        Assert.Equal("origin/feature", TestGit.Run(checkout, "branch", "-r").Trim());
    }

    [Fact]
    public async Task A_branch_that_does_not_exist_fails_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<WorkspaceException>(() =>
            Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), "no-such-branch", Identity(), CancellationToken.None));

        Assert.Equal($"Branch 'no-such-branch' does not exist in {_server.UrlOf("hello.git")}.", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(TaskDirectory));
    }

    [Fact]
    public async Task A_follow_up_reuses_the_checkout_as_it_is()
    {
        var url = RepositoryUrl.Parse(_server.UrlOf("hello.git"));
        var checkout = await Checkout().EnsureAsync(TaskDirectory, url, null, Identity(), CancellationToken.None);
        File.WriteAllText(Path.Combine(checkout, "README.md"), "edited by the agent\n");
        File.WriteAllText(Path.Combine(checkout, "new.txt"), "new\n");
        var requests = _server.AuthorizedRequests;

        var again = await Checkout().EnsureAsync(TaskDirectory, url, null, Identity(), CancellationToken.None);

        Assert.Equal(checkout, again);
        Assert.Equal("edited by the agent\n", File.ReadAllText(Path.Combine(checkout, "README.md")));
        Assert.True(File.Exists(Path.Combine(checkout, "new.txt")));
        Assert.Equal(requests, _server.AuthorizedRequests);
    }

    /// <summary>Follow-ups of a task an older version checked out at <c>{task}/{repo}</c> keep working in that checkout.</summary>
    [Fact]
    public async Task A_follow_up_reuses_a_checkout_an_older_version_made_beside_the_executors_folders()
    {
        var legacy = Path.Combine(TaskDirectory, "hello");
        TestGit.Run(TaskDirectory, "clone", "-q", Path.Combine(_temp.Combine("server"), "hello.git"), legacy);
        var requests = _server.AuthorizedRequests;

        var checkout = await Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(), CancellationToken.None);

        Assert.Equal(legacy, checkout);
        Assert.Equal(requests, _server.AuthorizedRequests);
    }

    [Fact]
    public async Task A_legacy_checkout_named_repo_is_reused_in_place()
    {
        TestGit.Run(_temp.Combine("server"), "clone", "-q", "--bare", Path.Combine(_temp.Combine("server"), "hello.git"), "repo.git");
        TestGit.Run(TaskDirectory, "clone", "-q", Path.Combine(_temp.Combine("server"), "hello.git"), "repo");

        var checkout = await Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("repo.git")), null, Identity(), CancellationToken.None);

        Assert.Equal(Path.Combine(TaskDirectory, "repo"), checkout);
    }

    /// <summary>Issue 12 item 3: an older version cloned a repository named <c>.claude</c> onto the agent's config folder.</summary>
    [Fact]
    public async Task A_checkout_named_like_an_executor_folder_is_never_reused_there()
    {
        TestGit.Run(_temp.Combine("server"), "clone", "-q", "--bare", Path.Combine(_temp.Combine("server"), "hello.git"), ".claude.git");
        TestGit.Run(TaskDirectory, "clone", "-q", Path.Combine(_temp.Combine("server"), "hello.git"), ".claude");

        var checkout = await Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf(".claude.git")), null, Identity(), CancellationToken.None);

        Assert.Equal(Path.Combine(TaskDirectory, "repo", ".claude"), checkout);
    }

    [Fact]
    public async Task Cancelling_stops_the_clone_and_leaves_nothing()
    {
        _server.HoldRequests();
        using var cancel = new CancellationTokenSource();
        var clone = Checkout().EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(), cancel.Token);
        await _server.RequestHeld.Task.WaitAsync(Wait.DefaultTimeout);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clone.WaitAsync(Wait.DefaultTimeout));
        Assert.DoesNotContain(AllCommandLines(), c => c.Contains(TaskDirectory, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(TaskDirectory));
    }

    [Fact]
    public async Task A_clone_over_its_time_limit_fails_naming_the_setting()
    {
        _server.HoldRequests();

        var error = await Assert.ThrowsAsync<WorkspaceException>(() =>
            Checkout(TimeSpan.FromMilliseconds(300)).EnsureAsync(TaskDirectory, RepositoryUrl.Parse(_server.UrlOf("hello.git")), null, Identity(), CancellationToken.None));

        Assert.Contains("LOCAL_GIT_TIMEOUT", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(TaskDirectory));
    }

    /// <summary>Every readable process command line (arguments joined by spaces).</summary>
    private static List<string> AllCommandLines()
    {
        var lines = new List<string>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out _)) continue;
            try
            {
                lines.Add(Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(entry, "cmdline"))).Replace('\0', ' '));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return lines;
    }
}

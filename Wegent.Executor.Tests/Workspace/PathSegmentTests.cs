using Wegent.Executor.Workspace;

namespace Wegent.Executor.Tests.Workspace;

public sealed class PathSegmentTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("my-repo.v2")]
    [InlineData("a_b")]
    public void Plain_names_are_safe(string name) => Assert.True(PathSegment.IsSafe(name));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("-rf")]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    [InlineData("c:")]
    [InlineData("trailing.")]
    [InlineData("trailing ")]
    public void Names_that_could_leave_the_folder_or_read_as_options_are_not(string name) => Assert.False(PathSegment.IsSafe(name));

    [Fact]
    public void Overlong_names_are_not_safe() => Assert.False(PathSegment.IsSafe(new string('a', PathSegment.MaxLength + 1)));
}

public sealed class RepositoryUrlTests
{
    [Theory]
    [InlineData("https://github.com/owner/hello.git", "hello", "github.com", "https://github.com")]
    [InlineData("https://gitlab.example.com:8443/group/sub/tool/", "tool", "gitlab.example.com:8443", "https://gitlab.example.com:8443")]
    [InlineData("git://127.0.0.1:9418/hello.git", "hello", "127.0.0.1:9418", "git://127.0.0.1:9418")]
    [InlineData("git@github.com:owner/hello.git", "hello", "github.com", "ssh://github.com")]
    public void Name_host_and_credential_scope_come_from_the_url(string url, string name, string host, string scope)
    {
        var parsed = RepositoryUrl.Parse(url);

        Assert.Equal(name, parsed.Name);
        Assert.Equal(host, parsed.Host);
        Assert.Equal(scope, parsed.CredentialScope);
    }

    [Fact]
    public void Credentials_in_the_url_are_taken_out_of_what_git_is_given()
    {
        var parsed = RepositoryUrl.Parse("https://user:s3cret-token@github.com/owner/hello.git");

        Assert.Equal("https://github.com/owner/hello.git", parsed.CloneUrl);
        Assert.Equal("s3cret-token", parsed.EmbeddedPassword);
    }

    [Theory]
    [InlineData("https://github.com/owner/..")]
    [InlineData("https://github.com/owner/-rf.git")]
    [InlineData("https://github.com/owner/%2e%2e")]
    [InlineData("https://github.com/owner/a%0Ab.git")]
    [InlineData("https://github.com/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/home/user/repo")]
    [InlineData("--upload-pack=touch /tmp/x")]
    [InlineData("ext::sh -c touch% /tmp/pwned")]
    public void Urls_that_are_not_remote_repositories_with_a_safe_name_fail(string url) =>
        Assert.Throws<WorkspaceException>(() => RepositoryUrl.Parse(url));
}

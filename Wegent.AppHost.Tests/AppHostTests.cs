using Wegent.AppHost.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wegent.AppHost.Tests;

[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(AppHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Every_resource_becomes_healthy()
    {
        output.WriteLine($"All resources healthy after {fixture.StartedIn.TotalSeconds:0.00} s");
    }
}

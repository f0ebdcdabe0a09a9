using Wegent.Executor.Diagnostics;

namespace Wegent.Executor.Tests.Diagnostics;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KB")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(12_897_485, "12.3 MB")]
    [InlineData(1024 * 1024 - 1, "1.0 MB")]
    [InlineData(1_288_490_189, "1.2 GB")]
    [InlineData(5L << 40, "5.0 TB")]
    [InlineData(long.MaxValue, "8192.0 PB")]
    public void Formats_in_powers_of_1024_with_one_decimal(long bytes, string expected) =>
        Assert.Equal(expected, ByteSize.Format(bytes));

    [Fact]
    public void A_negative_size_is_a_bug_of_the_caller() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteSize.Format(-1));
}

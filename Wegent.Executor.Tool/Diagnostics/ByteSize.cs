using System.Globalization;

namespace Wegent.Executor.Diagnostics;

/// <summary>Sizes for people: <c>512 B</c>, <c>12.3 MB</c>, <c>1.2 GB</c> (powers of 1024, as the log size setting counts MB).</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["KB", "MB", "GB", "TB", "PB"];

    public static string Format(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes < 1024) return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");

        var value = bytes / 1024.0;
        var unit = 0;
        // Rounded to one decimal first, so 1023.96 KB reads 1.0 MB and not 1024.0 KB.
        while (Math.Round(value, 1) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }
}

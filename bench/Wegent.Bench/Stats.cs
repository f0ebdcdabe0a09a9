using System.Globalization;

namespace Wegent.Bench;

/// <summary>Median, spread and tail of a set of samples.</summary>
internal sealed record Stats(double Median, double Min, double Max, double P99, int Count)
{
    public static Stats Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0) return new Stats(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double At(double quantile) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(quantile * sorted.Length) - 1)];
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new Stats(median, sorted[0], sorted[^1], At(0.99), sorted.Length);
    }

    public string Format(string unit, string format = "0.#") =>
        Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} {unit} ({Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)}, n={Count})");
}

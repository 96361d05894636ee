using System.Globalization;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>Latency percentiles (nearest rank) of a set of timings in milliseconds.</summary>
public sealed record Stats(int N, double P50, double P95, double P99, double Max, double Mean)
{
    public static Stats Of(IReadOnlyCollection<double> ms)
    {
        var sorted = ms.Order().ToArray();
        if (sorted.Length == 0) return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)]; // nearest rank
        return new Stats(sorted.Length, P(0.50), P(0.95), P(0.99), sorted[^1], sorted.Average());
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"n={N}: p50 {P50:F1} ms, p95 {P95:F1} ms, p99 {P99:F1} ms, max {Max:F1} ms, mean {Mean:F1} ms");
}

using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// The app's own view while the sessions type: Blazor's aspnetcore.components.handle_event.duration histogram (the
/// time from an event reaching the circuit until its handler's task completes — for an input: every rule and the
/// draft's save), read over EventPipe from the System.Diagnostics.Metrics source in 1 s windows. Window quantiles
/// cannot be merged exactly: reported are the count-weighted mean and the worst window's p95.
/// </summary>
public sealed class ServerMetrics : IAsyncDisposable
{
    private readonly EventPipeSession session;
    private readonly Task processing;
    private readonly List<(string Tags, long Count, double P50, double P95, double P99)> windows = [];

    private ServerMetrics(int pid)
    {
        session = new DiagnosticsClient(pid).StartEventPipeSession([HandleEventWindow.Provider()], requestRundown: false);
        processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += e =>
            {
                if (HandleEventWindow.Read(e) is not { Count: > 0 } w) return;
                lock (windows) windows.Add((w.Tags, w.Count, w.QuantileMs("0.5"), w.QuantileMs("0.95"), w.QuantileMs("0.99")));
            };
            source.Process();
        });
    }

    public static ServerMetrics Start(int pid) => new(pid);

    public sealed record Series(string Tags, long Events, double WeightedP50, double WeightedP95, double WorstWindowP95);

    public async Task<(IReadOnlyList<string> Lines, IReadOnlyList<Series> Series)> StopAsync()
    {
        await Task.Delay(1500); // the last window
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
        List<Series> series;
        lock (windows)
            series = windows.GroupBy(w => w.Tags).Select(g =>
            {
                var n = g.Sum(w => w.Count);
                return new Series(g.Key, n, g.Sum(w => w.P50 * w.Count) / n, g.Sum(w => w.P95 * w.Count) / n, g.Max(w => w.P95));
            }).OrderByDescending(x => x.Events).Take(4).ToList();
        var lines = series.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"server handle_event [{x.Tags}]: {x.Events} events, p50 {x.WeightedP50:F2} ms, p95 {x.WeightedP95:F2} ms " +
            $"(worst 1 s window {x.WorstWindowP95:F2} ms)")).ToList();
        if (lines.Count == 0) lines.Add("server handle_event: no Blazor metrics received");
        return (lines, series);
    }

    public ValueTask DisposeAsync()
    {
        session.Dispose();
        return ValueTask.CompletedTask;
    }
}

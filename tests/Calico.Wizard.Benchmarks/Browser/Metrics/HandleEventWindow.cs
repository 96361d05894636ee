using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// One window (1 s) of Blazor's aspnetcore.components.handle_event.duration histogram as the System.Diagnostics.Metrics
/// EventSource publishes it over EventPipe: the time from an event reaching the circuit until its handler's task completed.
/// </summary>
public sealed record HandleEventWindow(string Tags, long Count, double SumSeconds, IReadOnlyDictionary<string, double> QuantileSeconds)
{
    /// <summary>The Components meter's histograms in 1 s windows.</summary>
    public static EventPipeProvider Provider() => new("System.Diagnostics.Metrics", EventLevel.Informational, 0x2, new Dictionary<string, string>
    {
        ["SessionId"] = Guid.NewGuid().ToString(),
        ["Metrics"] = "Microsoft.AspNetCore.Components",
        ["RefreshInterval"] = "1",
        ["MaxTimeSeries"] = "5000",
        ["MaxHistograms"] = "1000",
    });

    /// <summary>The window an event carries, or null for any other event or instrument.</summary>
    public static HandleEventWindow? Read(TraceEvent e)
    {
        if (e.EventName != "HistogramValuePublished" || (string)e.PayloadByName("instrumentName") != "aspnetcore.components.handle_event.duration") return null;
        var quantiles = ((string)e.PayloadByName("quantiles")).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
        var sum = e.PayloadNames.Contains("sum") ? Convert.ToDouble(e.PayloadByName("sum"), CultureInfo.InvariantCulture) : double.NaN;
        return new HandleEventWindow((string)e.PayloadByName("tags"), Convert.ToInt64(e.PayloadByName("count"), CultureInfo.InvariantCulture), sum, quantiles);
    }

    /// <summary>The browser event (oninput, onkeydown, …): the tag aspnetcore.components.attribute.name.</summary>
    public string EventName =>
        Tags.Split(',').FirstOrDefault(t => t.StartsWith("aspnetcore.components.attribute.name=", StringComparison.Ordinal))?.Split('=')[1] ?? "?";

    public double QuantileMs(string quantile) => QuantileSeconds.GetValueOrDefault(quantile) * 1000;
}

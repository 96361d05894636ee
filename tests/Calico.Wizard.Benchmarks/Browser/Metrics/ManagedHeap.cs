using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>The app's managed heap after a full GC induced from outside, as dotnet-gcdump collect induces it.</summary>
public static class ManagedHeap
{
    /// <summary>
    /// A blocking full GC in the app, induced over the diagnostics IPC (an EventPipe session enabling the runtime's
    /// GCHeapCollect keyword, as dotnet-gcdump does), and the managed heap it leaves (GCHeapStats: all generations,
    /// LOH and POH). Throws when no induced GC was seen, so a figure never silently rests on a GC that did not run.
    /// </summary>
    public static async Task<long> InduceGcAsync(int pid)
    {
        const long GC = 0x1, GCHeapCollect = 0x800000;
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GC | GCHeapCollect)], requestRundown: false);
        var induced = false;
        long heap = -1;
        var seen = new TaskCompletionSource();
        var processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Clr.GCStart += e => { if (e.Reason == GCReason.Induced && e.Depth == 2) induced = true; };
            source.Clr.GCHeapStats += e =>
            {
                if (!induced) return;
                heap = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
                seen.TrySetResult();
            };
            source.Process();
        });
        await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromSeconds(15)));
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
        return heap >= 0 ? heap : throw new InvalidOperationException("no induced full GC was observed in the app");
    }
}

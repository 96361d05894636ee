using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>
/// What the app allocates while keys are typed (--side-allocs): the runtime's GCAllocationTick events (one each time
/// ~100 KB more has been allocated on a heap, naming the type whose allocation crossed the mark, so the types are a
/// sample weighted by bytes) and its GCs by generation, over an EventPipe session with the GC keyword at Verbose; and
/// in the same session Blazor's aspnetcore.components.handle_event.duration (the time from an event reaching the
/// circuit until its handler's task completed), summed per event name.
/// </summary>
public sealed class AllocationRecorder
{
    private readonly EventPipeSession session;
    private readonly Task processing;
    private readonly Dictionary<string, long> byType = [];
    private readonly Dictionary<string, double> handlerSeconds = [];
    private readonly int[] gcs = new int[3];
    private long bytes;

    private AllocationRecorder(int pid)
    {
        const long GC = 0x1;
        session = new DiagnosticsClient(pid).StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, GC), HandleEventWindow.Provider()], requestRundown: false);
        processing = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.Dynamic.All += e =>
            {
                if (HandleEventWindow.Read(e) is not { } w) return;
                lock (byType) handlerSeconds[w.EventName] = handlerSeconds.GetValueOrDefault(w.EventName) + w.SumSeconds;
            };
            source.Clr.GCAllocationTick += e =>
            {
                lock (byType)
                {
                    bytes += e.AllocationAmount64;
                    byType[e.TypeName] = byType.GetValueOrDefault(e.TypeName) + e.AllocationAmount64;
                }
            };
            source.Clr.GCStart += e => { lock (byType) gcs[Math.Clamp(e.Depth, 0, 2)]++; };
            source.Process();
        });
    }

    public static async Task<AllocationRecorder> StartAsync(int pid)
    {
        var recorder = new AllocationRecorder(pid);
        await Task.Delay(500); // the session is up before the first measured key
        return recorder;
    }

    public async Task<string> StopAsync(int keys)
    {
        await Task.Delay(1500); // the metrics' last window
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(10)));
        lock (byType)
        {
            var top = byType.OrderByDescending(t => t.Value).Take(12)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value / 1024.0 / keys:F1}"));
            return string.Create(CultureInfo.InvariantCulture,
                $"allocated {bytes / 1024.0 / keys:F1} KB/key; GCs gen0/1/2 {gcs[0]}/{gcs[1]}/{gcs[2]} over {keys} keys; " +
                $"event handlers (Blazor's handle_event.duration, ms/key): " +
                $"{string.Join(", ", handlerSeconds.OrderBy(h => h.Key).Select(h => $"{h.Key} {h.Value * 1000 / keys:F3}"))}; " +
                $"sampled types (KB/key): {string.Join("; ", top)}");
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// Watches as the API server streams them: newline-delimited events, first ADDED for each object already there,
/// then every write the store publishes, until timeoutSeconds, the client leaves or the fake stops. The store
/// opens a watch (<see cref="FakeObjectStore.Subscribe"/>) so that no write falls between its first events and the rest.
/// </summary>
internal sealed class FakeWatches(FakeJournal journal, FakeFaults faults, CancellationToken stopping)
{
    private readonly Lock gate = new();
    private readonly List<OpenWatch> open = [];

    /// <summary>Tells the open watches of <paramref name="p"/>'s collection (and of its name) what happened to it.</summary>
    public void Publish(ApiPath p, string eventType, JsonObject obj)
    {
        lock (gate)
            foreach (var w in open.Where(w => w.Matches(p))) w.Send(eventType, obj);
    }

    /// <summary>From now on <paramref name="watch"/> hears what is published.</summary>
    public void Add(OpenWatch watch)
    {
        lock (gate) open.Add(watch);
    }

    /// <summary>The watches of <paramref name="collectionPath"/> whose stream has started and not ended.</summary>
    public int OpenCount(string collectionPath)
    {
        lock (gate) return open.Count(w => w.Path.CollectionPath == collectionPath && w.Started);
    }

    /// <summary>Streams a watch of <paramref name="p"/> (only metadata.name field selectors) until it ends.</summary>
    public async Task ServeAsync(HttpContext ctx, KubeRequest r, ApiPath p, FakeObjectStore store)
    {
        string? name = null;
        if (r.Q("fieldSelector") is { Length: > 0 } selector)
        {
            if (!selector.StartsWith("metadata.name=", StringComparison.Ordinal))
            {
                await FakeResponses.StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest",
                    $"the fake supports only metadata.name field selectors, not {selector}");
                return;
            }
            name = selector["metadata.name=".Length..];
        }
        var timeout = int.TryParse(r.Q("timeoutSeconds"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);
        var watch = new OpenWatch(p, name);
        store.Subscribe(watch);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        cts.CancelAfter(timeout); // like the API server, end the watch after timeoutSeconds
        try
        {
            r.Status = 200;
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.StartAsync(cts.Token);
            lock (gate) watch.Started = true;
            journal.Changed();
            if (faults.WatchesEndAtOnce) watch.End();
            await foreach (var line in watch.Lines(cts.Token))
            {
                await ctx.Response.WriteAsync(line + "\n", cts.Token);
                await ctx.Response.Body.FlushAsync(cts.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // timeoutSeconds elapsed, the client left, or the fake is stopping: the stream ends
        }
        finally
        {
            lock (gate) open.Remove(watch);
            journal.Changed();
        }
    }
}

/// <summary>One watch being streamed: what it watches, and the events queued for it as JSON lines.</summary>
internal sealed class OpenWatch(ApiPath path, string? name)
{
    private readonly Channel<string> events = Channel.CreateUnbounded<string>();

    public ApiPath Path { get; } = path;
    public bool Started { get; set; }

    public bool Matches(ApiPath o) => o.InCollection(Path) && (name is null || o.Name == name);

    public void Send(string eventType, JsonObject obj) =>
        events.Writer.TryWrite(new JsonObject { ["type"] = eventType, ["object"] = obj.DeepClone() }.ToJsonString());

    /// <summary>No more events: the stream ends once the queued ones are written.</summary>
    public void End() => events.Writer.TryComplete();

    public IAsyncEnumerable<string> Lines(CancellationToken ct) => events.Reader.ReadAllAsync(ct);
}

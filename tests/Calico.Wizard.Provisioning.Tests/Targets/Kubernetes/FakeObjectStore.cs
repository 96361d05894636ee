using System.Globalization;
using System.Text.Json.Nodes;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// The objects the fake serves, keyed by API path, so "present" means stored: lists and watches are served from
/// here. Each write takes the next resourceVersion and is published to the open watches in the same step. Server-side
/// apply merges here too, simplified: each field manager's last apply over what the object was before any apply.
/// </summary>
internal sealed class FakeObjectStore(FakeWatches watches, FakeJournal journal)
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<string, Stored> objects = new(StringComparer.Ordinal);
    private long resourceVersion = 1000;
    private int clock;

    /// <summary>An object, what it was before any apply (a test's Put), and each field manager's last apply.</summary>
    private sealed record Stored(ApiPath Path, JsonObject Object, JsonObject? Base, Dictionary<string, JsonObject> Applies);

    /// <summary>What an apply did: the object it answers with, and whether it was new, changed, or changed beyond metadata.</summary>
    public sealed record Applied(JsonObject Object, bool Created, bool Changed, bool SpecChanged);

    /// <summary>Stores <paramref name="obj"/> at its API path (name and namespace filled in from the path) and tells open watches.</summary>
    public void Put(string path, JsonObject obj)
    {
        var p = ApiPath.Parse(path) ?? throw new ArgumentException($"not an object path: {path}", nameof(path));
        if (p.Name is null) throw new ArgumentException($"not an object path: {path}", nameof(path));
        lock (gate)
        {
            var copy = (JsonObject)obj.DeepClone();
            var metadata = copy["metadata"] as JsonObject ?? [];
            copy["metadata"] = metadata;
            metadata["name"] = p.Name;
            if (p.Namespace is not null) metadata["namespace"] = p.Namespace;
            var existing = objects.GetValueOrDefault(p.ObjectPath);
            Store(p, copy, copy.DeepClone().AsObject(), existing?.Applies ?? [], existing is null ? "ADDED" : "MODIFIED");
        }
        journal.Changed();
    }

    /// <summary>A controller writes the status subresource: the applied content stays, the resourceVersion moves.</summary>
    public void UpdateStatus(string path, JsonObject status)
    {
        var obj = Get(path) ?? throw new InvalidOperationException($"nothing stored at {path}");
        obj["status"] = status;
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? "v1";
        obj["metadata"]!["managedFields"] = ManagedFields(obj, "tigera-operator", "Update", "status", apiVersion);
        Put(path, obj);
    }

    public void Remove(string path)
    {
        lock (gate)
        {
            if (!objects.Remove(path, out var gone)) return;
            watches.Publish(gone.Path, "DELETED", gone.Object);
        }
        journal.Changed();
    }

    /// <summary>Forgets every object whose path starts with <paramref name="prefix"/>, telling no watch: a test arranging the cluster anew.</summary>
    public void Forget(string prefix)
    {
        lock (gate)
            foreach (var path in objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                objects.Remove(path);
    }

    public JsonObject? Get(string path)
    {
        lock (gate) return objects.GetValueOrDefault(path)?.Object.DeepClone().AsObject();
    }

    /// <summary>The objects in <paramref name="collection"/> and the resourceVersion they were read at.</summary>
    public (JsonArray Items, string ResourceVersion) List(ApiPath collection)
    {
        lock (gate)
        {
            return ([.. objects.Values.Where(o => o.Path.InCollection(collection)).Select(o => (JsonNode)o.Object.DeepClone())],
                resourceVersion.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Starts <paramref name="watch"/> with an ADDED event for each object it matches, in one step with its hearing every later write.</summary>
    public void Subscribe(OpenWatch watch)
    {
        lock (gate)
        {
            foreach (var o in objects.Values.Where(o => watch.Matches(o.Path))) watch.Send("ADDED", o.Object);
            watches.Add(watch);
        }
    }

    /// <summary>
    /// Server-side apply of <paramref name="applied"/> by <paramref name="manager"/>: an apply that changes nothing keeps
    /// the resourceVersion; a dry run answers what the object would be and stores nothing.
    /// </summary>
    public Applied Apply(ApiPath p, string manager, JsonObject applied, bool dryRun)
    {
        JsonObject result;
        bool created, changed, specChanged;
        lock (gate)
        {
            var existing = objects.GetValueOrDefault(p.ObjectPath);
            created = existing is null;
            // server-side apply: each manager's last apply, merged over what was there before any apply
            var applies = new Dictionary<string, JsonObject>(existing?.Applies ?? []) { [manager] = applied.DeepClone().AsObject() };
            var merged = existing?.Base?.DeepClone().AsObject() ?? new JsonObject();
            foreach (var body in applies.Values) Merge(merged, body);
            var metadata = merged["metadata"] as JsonObject ?? [];
            merged["metadata"] = metadata;
            if (p.Namespace is not null) metadata["namespace"] = p.Namespace;
            metadata["uid"] = existing?.Object["metadata"]?["uid"]?.DeepClone() ?? Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = existing?.Object["metadata"]?["creationTimestamp"]?.DeepClone()
                ?? DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            merged.Remove("status");
            if (existing?.Object["status"] is { } status) merged["status"] = status.DeepClone();
            changed = existing is null || !JsonNode.DeepEquals(Content(existing.Object, withMetadata: true), Content(merged, withMetadata: true));
            specChanged = existing is null || !JsonNode.DeepEquals(Content(existing.Object, withMetadata: false), Content(merged, withMetadata: false));
            var generation = FakeKubeObjects.Long(existing?.Object["metadata"]?["generation"]) ?? 0;
            if (p.HasGeneration) metadata["generation"] = specChanged ? generation + 1 : generation;
            metadata["managedFields"] = changed || existing is null
                ? ManagedFields(existing?.Object, manager, "Apply", null, p.GroupVersion)
                : existing.Object["metadata"]?["managedFields"]?.DeepClone();
            if (!changed)
                result = existing!.Object.DeepClone().AsObject(); // nothing changed: the resourceVersion stays
            else if (dryRun)
            {
                metadata["resourceVersion"] = existing?.Object["metadata"]?["resourceVersion"]?.DeepClone();
                result = merged; // what the object would be: judged, not stored
            }
            else
                result = Store(p, merged, existing?.Base, applies, created ? "ADDED" : "MODIFIED").DeepClone().AsObject();
        }
        if (!dryRun) journal.Changed();
        return new Applied(result, created, changed, specChanged);
    }

    /// <summary>Under <see cref="gate"/>: stores with a new resourceVersion and tells matching watches.</summary>
    private JsonObject Store(ApiPath p, JsonObject obj, JsonObject? @base, Dictionary<string, JsonObject> applies, string eventType)
    {
        obj["metadata"]!["resourceVersion"] = (++resourceVersion).ToString(CultureInfo.InvariantCulture);
        objects[p.ObjectPath] = new Stored(p, obj, @base, applies);
        watches.Publish(p, eventType, obj);
        return obj;
    }

    /// <summary>The object's managedFields with <paramref name="manager"/>'s entry (re)stamped; a distinct time per write, like seconds apart.</summary>
    private JsonArray ManagedFields(JsonObject? existing, string manager, string operation, string? subresource, string apiVersion)
    {
        var entries = new JsonArray();
        foreach (var e in existing?["metadata"]?["managedFields"]?.AsArray() ?? [])
            if (e?["manager"]?.GetValue<string>() != manager || e?["subresource"]?.GetValue<string>() != subresource) entries.Add(e!.DeepClone());
        var time = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(Interlocked.Increment(ref clock));
        var entry = new JsonObject
        {
            ["manager"] = manager, ["operation"] = operation, ["apiVersion"] = apiVersion, ["fieldsType"] = "FieldsV1",
            ["time"] = time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        if (subresource is not null) entry["subresource"] = subresource;
        entries.Add(entry);
        return entries;
    }

    /// <summary>Server-side apply's merge, simplified: maps merge field by field, anything else is replaced.</summary>
    private static void Merge(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from)
        {
            if (value is JsonObject source && into[key] is JsonObject target) Merge(target, source);
            else into[key] = value?.DeepClone();
        }
    }

    /// <summary>The object without what the server sets and without status (and, for the spec, without metadata).</summary>
    private static JsonObject Content(JsonObject obj, bool withMetadata)
    {
        var content = obj.DeepClone().AsObject();
        content.Remove("status");
        if (!withMetadata) content.Remove("metadata");
        else if (content["metadata"] is JsonObject m)
            foreach (var key in new[] { "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields" }) m.Remove(key);
        return content;
    }
}

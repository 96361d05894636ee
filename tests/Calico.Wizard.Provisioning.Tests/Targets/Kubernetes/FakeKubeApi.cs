using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>When the fake's TigeraStatus calico reports Available.</summary>
public enum CalicoReadiness
{
    /// <summary>Shortly after the Installation is applied: Progressing first, then Available (a MODIFIED event).</summary>
    AfterInstallationApplied,
    /// <summary>
    /// Only when a test calls <see cref="FakeKubeApi.SetCalicoAvailable"/>: after the Installation is applied, calico
    /// exists but stays Degraded (<see cref="FakeKubeApi.DegradedMessage"/>), as when calico-node cannot start.
    /// </summary>
    Never,
    /// <summary>TigeraStatus calico is never created (the operator does not run), until a test calls <see cref="FakeKubeApi.SetCalicoAvailable"/>.</summary>
    NoTigeraStatus,
}

/// <summary>One request the fake received, as it arrived (before any injected failure answered it).</summary>
public sealed class KubeRequest
{
    public required long Seq { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    /// <summary>The raw query string, with its leading '?', or "".</summary>
    public required string Query { get; init; }
    public required IReadOnlyDictionary<string, string> QueryValues { get; init; }
    public required string? ContentType { get; init; }
    public required string Body { get; init; }
    public required string? Authorization { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>The status the fake answered (for a watch: when the stream started).</summary>
    public int Status { get; internal set; }

    public string? Q(string key) => QueryValues.GetValueOrDefault(key);
    public bool IsWatch => Q("watch") is "true" or "1";
    public bool IsApply => Method == "PATCH";
    /// <summary>dryRun=All: judged like a write, persisted nowhere.</summary>
    public bool IsDryRun => Q("dryRun") == "All";
    public override string ToString() => $"#{Seq} {Method} {Path}{Query} [{ContentType}] → {Status}";
}

/// <summary>
/// An in-process stand-in for the Kubernetes API server (Kestrel on 127.0.0.1, a random port) that answers every
/// call the Kubernetes target makes: discovery, reads and lists, SelfSubjectAccessReviews, server-side apply
/// (checked the way a real API server checks it) and watches streamed as newline-delimited events. It records
/// every request and can be told to fail the next requests to a path.
/// </summary>
/// <remarks>
/// Objects live in one store keyed by their API path; lists and watches are served from it, so "present" means
/// stored. The default store is a healthy cluster ready for Calico: the Tigera operator CRD, three nodes with
/// pod CIDRs inside 10.20.0.0/16, a kubeadm-config whose podSubnet is 10.20.0.0/16 and a kube-proxy DaemonSet.
/// </remarks>
public sealed class FakeKubeApi : IAsyncDisposable
{
    public const string ApplyPatchContentType = "application/apply-patch+yaml";
    public const string InstallationPath = "/apis/operator.tigera.io/v1/installations/default";
    public const string TigeraStatusesPath = "/apis/operator.tigera.io/v1/tigerastatuses";
    public const string CalicoStatusPath = TigeraStatusesPath + "/calico";
    public const string CrdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    public const string TigeraCrdPath = CrdsPath + "/installations.operator.tigera.io";
    public const string FlannelConfigMapPath = "/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg";
    public const string FlannelDaemonSetsPath = "/apis/apps/v1/namespaces/kube-flannel/daemonsets";
    public const string FlannelDaemonSetPath = FlannelDaemonSetsPath + "/kube-flannel-ds";
    public const string FlannelNamespacePath = "/api/v1/namespaces/kube-flannel";
    public const string NamespacesPath = "/api/v1/namespaces";
    public const string KubeadmConfigPath = "/api/v1/namespaces/kube-system/configmaps/kubeadm-config";
    public const string AccessReviewsPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    public const string DefaultPodSubnet = "10.20.0.0/16";
    public const string DegradedMessage = "DaemonSet calico-system/calico-node: 0/3 pods ready (CrashLoopBackOff)";
    /// <summary>The conditions of a Degraded calico, as the job's log quotes them.</summary>
    public const string DegradedConditions = $"Available=False, Progressing=False, Degraded=True (PodFailure: {DegradedMessage})";

    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private readonly Lock gate = new();
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<KubeRequest> requests = [];
    private readonly List<(long Seq, string What)> events = [];
    private readonly SortedDictionary<string, Stored> objects = new(StringComparer.Ordinal);
    private readonly List<OpenWatch> watches = [];
    private readonly List<Failure> failures = [];
    private readonly HashSet<(string Verb, string Resource)> denied = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long seq;
    private long resourceVersion = 1000;

    private FakeKubeApi()
    {
        Token = $"canary-{Guid.NewGuid():N}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.Run(HandleAsync);

        foreach (var ns in new[] { "default", "kube-system", "kube-public" }) AddNamespace(ns);
        OperatorInstalled = true;
        SetNodes("10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24");
        SetKubeadmPodSubnet(DefaultPodSubnet);
        AddDaemonSet("kube-system", "kube-proxy");
    }

    public static async Task<FakeKubeApi> StartAsync()
    {
        var api = new FakeKubeApi();
        await api.app.StartAsync();
        var address = api.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        api.BaseAddress = new Uri(address);
        Assert.Equal("127.0.0.1", api.BaseAddress.Host);
        return api;
    }

    /// <summary>http://127.0.0.1:PORT, the server of the kubeconfig the fake writes.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The bearer token the fake accepts: a canary that must never be stored or logged.</summary>
    public string Token { get; }

    /// <summary>Answers 401 to everything, as a server that does not know the token.</summary>
    public bool RejectToken { get; set; }

    /// <summary>The message of those 401s, given the Authorization header received: a server or proxy that echoes it is what the scrubbing is for.</summary>
    public Func<string, string> UnauthorizedMessage { get; set; } = _ => "Unauthorized";

    public CalicoReadiness CalicoReadiness { get; set; } = CalicoReadiness.AfterInstallationApplied;

    /// <summary>Whether the kube-flannel-ds DaemonSet's pods become ready after it is created or its template changes (0/3, then 3/3).</summary>
    public bool FlannelBecomesReady { get; set; } = true;

    /// <summary>Whether Flannel runs: namespace kube-flannel and DaemonSet kube-flannel-ds (3/3 ready, installed by someone else).</summary>
    public bool FlannelInstalled
    {
        get => Get(FlannelDaemonSetPath) is not null;
        set
        {
            if (value)
            {
                AddNamespace("kube-flannel");
                Put(FlannelDaemonSetPath, DaemonSet(desired: 3, ready: 3));
            }
            else
            {
                Remove(FlannelDaemonSetPath);
                Remove(FlannelNamespacePath);
            }
        }
    }

    public void AddNamespace(string name) =>
        Put($"{NamespacesPath}/{name}", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["status"] = new JsonObject { ["phase"] = "Active" } });

    /// <summary>Whether an applied CustomResourceDefinition becomes Established (shortly after, as a MODIFIED event).</summary>
    public bool EstablishCrds { get; set; } = true;

    /// <summary>Watches end right after their initial events, as behind a proxy that cuts long requests.</summary>
    public bool WatchesEndAtOnce { get; set; }

    /// <summary>
    /// Whether the CRD installations.operator.tigera.io exists (Established): the Tigera operator's own, from
    /// ../shared/upstream, whose schema the fake judges every Installation by.
    /// </summary>
    public bool OperatorInstalled
    {
        get => Get(TigeraCrdPath) is not null;
        set
        {
            if (value) Put(TigeraCrdPath, UpstreamInstallationCrd());
            else Remove(TigeraCrdPath);
        }
    }

    /// <summary>The upstream Installation CRD as an API server serves it once Established.</summary>
    public static JsonObject UpstreamInstallationCrd()
    {
        var crd = Upstream.InstallationCrdJson();
        crd["status"] = new JsonObject { ["conditions"] = new JsonArray(Condition("NamesAccepted", true), Condition("Established", true)) };
        return crd;
    }

    /// <summary>Changes the served Installation CRD (e.g. an older operator without a field) and stores it again.</summary>
    public void ChangeInstallationCrd(Action<JsonObject> change)
    {
        var crd = Get(TigeraCrdPath) ?? throw new InvalidOperationException("the operator is not installed");
        change(crd);
        Put(TigeraCrdPath, crd);
    }

    // ---------------------------------------------------------------- arranging the cluster

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
        Changed();
    }

    /// <summary>A controller writes the status subresource: the applied content stays, the resourceVersion moves.</summary>
    public void UpdateStatus(string path, JsonObject status)
    {
        var obj = Get(path) ?? throw new InvalidOperationException($"nothing stored at {path}");
        obj["status"] = status;
        obj["metadata"]!["managedFields"] = ManagedFields(obj, "tigera-operator", "Update", "status", obj["apiVersion"]?.GetValue<string>() ?? "v1");
        Put(path, obj);
    }

    private int clock;

    /// <summary>The object's managedFields with <paramref name="manager"/>'s entry (re)stamped; a distinct time per write, like seconds apart.</summary>
    private JsonArray ManagedFields(JsonObject? existing, string manager, string operation, string? subresource, string apiVersion)
    {
        var entries = new JsonArray();
        foreach (var e in existing?["metadata"]?["managedFields"]?.AsArray() ?? [])
            if (e?["manager"]?.GetValue<string>() != manager || e?["subresource"]?.GetValue<string>() != subresource) entries.Add(e!.DeepClone());
        var entry = new JsonObject
        {
            ["manager"] = manager, ["operation"] = operation, ["apiVersion"] = apiVersion, ["fieldsType"] = "FieldsV1",
            ["time"] = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(Interlocked.Increment(ref clock)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        if (subresource is not null) entry["subresource"] = subresource;
        entries.Add(entry);
        return entries;
    }

    public void Remove(string path)
    {
        lock (gate)
        {
            if (!objects.Remove(path, out var gone)) return;
            Publish(gone.Path, "DELETED", gone.Object);
        }
        Changed();
    }

    public JsonObject? Get(string path)
    {
        lock (gate) return objects.GetValueOrDefault(path)?.Object.DeepClone().AsObject();
    }

    public string? ResourceVersionOf(string path) => Get(path)?["metadata"]?["resourceVersion"]?.GetValue<string>();

    /// <summary>Replaces the nodes: one per pod CIDR (null: a node without spec.podCIDR).</summary>
    public void SetNodes(params string?[] podCidrs)
    {
        lock (gate)
            foreach (var node in objects.Keys.Where(k => k.StartsWith("/api/v1/nodes/", StringComparison.Ordinal)).ToList())
                objects.Remove(node);
        for (var i = 0; i < podCidrs.Length; i++)
        {
            var spec = new JsonObject();
            if (podCidrs[i] is { } cidr) spec["podCIDR"] = cidr;
            Put($"/api/v1/nodes/node-{i}", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["spec"] = spec });
        }
    }

    /// <summary>kube-system/kubeadm-config with this networking.podSubnet; null removes the ConfigMap (a non-kubeadm cluster: 404).</summary>
    public void SetKubeadmPodSubnet(string? podSubnet)
    {
        if (podSubnet is null) { Remove(KubeadmConfigPath); return; }
        var clusterConfiguration = $"""
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            kubernetesVersion: v1.31.2
            controlPlaneEndpoint: control-plane:6443
            networking:
              dnsDomain: cluster.local
              podSubnet: {podSubnet}
              serviceSubnet: 10.21.0.0/16

            """;
        Put(KubeadmConfigPath, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["data"] = new JsonObject { ["ClusterConfiguration"] = clusterConfiguration },
        });
    }

    public void AddDaemonSet(string ns, string name, int desired = 3, int ready = 3) =>
        Put($"/apis/apps/v1/namespaces/{ns}/daemonsets/{name}", DaemonSet(desired, ready));

    /// <summary>
    /// SelfSubjectAccessReviews for <paramref name="verb"/> on <paramref name="resource"/> (a plural, e.g. "installations") answer
    /// allowed: false, and so does the server: a denied "patch" answers 403 to the PATCH itself.
    /// </summary>
    public void Deny(string verb, string resource)
    {
        lock (gate) denied.Add((verb, resource));
    }

    /// <summary>
    /// The next <paramref name="times"/> requests with <paramref name="method"/> to exactly <paramref name="path"/> answer
    /// <paramref name="status"/> (429 with Retry-After: 1); dry runs (dryRun=All) only when <paramref name="dryRun"/>.
    /// </summary>
    public void FailNext(string method, string path, int times, HttpStatusCode status, bool dryRun = false)
    {
        lock (gate) failures.Add(new Failure(method, path, status, dryRun) { Left = times });
    }

    /// <summary>TigeraStatus calico becomes Available (ADDED or MODIFIED on open watches).</summary>
    public void SetCalicoAvailable() => Put(CalicoStatusPath, TigeraStatus(available: true));

    // ---------------------------------------------------------------- what happened

    public IReadOnlyList<KubeRequest> Requests
    {
        get { lock (gate) return [.. requests]; }
    }

    /// <summary>The patches that wrote (or would have written, had they been valid): every PATCH but a dry run.</summary>
    public IReadOnlyList<KubeRequest> Patches => [.. Requests.Where(r => r.Method == "PATCH" && !r.IsDryRun)];

    /// <summary>The patches sent with dryRun=All.</summary>
    public IReadOnlyList<KubeRequest> DryRuns => [.. Requests.Where(r => r.Method == "PATCH" && r.IsDryRun)];

    /// <summary>Requests that could change the cluster: anything but reads, dry runs and SelfSubjectAccessReviews.</summary>
    public IReadOnlyList<KubeRequest> Writes =>
        [.. Requests.Where(r => r.Method is not ("GET" or "HEAD") && !r.IsDryRun && !(r.Method == "POST" && r.Path == AccessReviewsPath))];

    public IReadOnlyList<KubeRequest> PatchesTo(string path) => [.. Patches.Where(r => r.Path == path)];

    public IReadOnlyList<KubeRequest> WatchesOf(string collectionPath) => [.. Requests.Where(r => r.IsWatch && r.Path == collectionPath)];

    /// <summary>Things the fake did on its own (a CRD became Established, calico became Available), numbered like the requests.</summary>
    public IReadOnlyList<(long Seq, string What)> Events
    {
        get { lock (gate) return [.. events]; }
    }

    public int OpenWatchCount(string collectionPath)
    {
        lock (gate) return watches.Count(w => w.Path.CollectionPath == collectionPath && w.Started);
    }

    /// <summary>Waits (woken by every request and change, bounded by <paramref name="timeout"/>) until <paramref name="condition"/> holds.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ProvisioningFixture.Timeout);
        while (true)
        {
            Task next;
            lock (gate) next = changed.Task;
            if (condition()) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                Assert.Fail($"The fake API server never saw: {what}. Requests: {string.Join(" | ", Requests)}");
            await Task.WhenAny(next, Task.Delay(left));
        }
    }

    /// <summary>A kubeconfig with one cluster (this fake, or <paramref name="server"/>), one token user and context "fake".</summary>
    public string WriteKubeconfig(string directory, string? server = null)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server ?? BaseAddress.GetLeftPart(UriPartial.Authority)}
            users:
            - name: fake-admin
              user:
                token: {Token}
            - name: somebody-else
              user:
                token: not-the-token
            contexts:
            - name: other
              context:
                cluster: fake
                user: somebody-else
            - name: fake
              context:
                cluster: fake
                user: fake-admin
            current-context: other

            """);
        return path;
    }

    /// <summary>An http:// address on 127.0.0.1 where nothing listens (bound, then released).</summary>
    public static string ClosedLoopbackServer()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
        stopping.Dispose();
    }

    // ---------------------------------------------------------------- serving

    private async Task HandleAsync(HttpContext ctx)
    {
        var http = ctx.Request;
        string body;
        using (var reader = new StreamReader(http.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(ctx.RequestAborted);
        KubeRequest request;
        Failure? failure;
        lock (gate)
        {
            request = new KubeRequest
            {
                Seq = ++seq,
                Method = http.Method,
                Path = http.Path.Value ?? "/",
                Query = http.QueryString.Value ?? "",
                QueryValues = http.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                ContentType = http.ContentType,
                Body = body,
                Authorization = http.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
                At = DateTimeOffset.UtcNow,
            };
            requests.Add(request);
            failure = failures.FirstOrDefault(f => f.Left > 0 && f.Method == request.Method && f.Path == request.Path && f.DryRun == request.IsDryRun);
            if (failure is not null) failure.Left--;
        }
        Changed();
        try
        {
            await RouteAsync(ctx, request, failure);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && ctx.RequestAborted.IsCancellationRequested)
        {
            // the client went away (a cancelled watch): nothing left to answer
        }
    }

    private async Task RouteAsync(HttpContext ctx, KubeRequest r, Failure? failure)
    {
        if (RejectToken || r.Authorization != $"Bearer {Token}")
        {
            await StatusAsync(ctx, r, HttpStatusCode.Unauthorized, "Unauthorized", UnauthorizedMessage(r.Authorization ?? ""));
            return;
        }
        if (failure is not null)
        {
            if (failure.Status == HttpStatusCode.TooManyRequests) ctx.Response.Headers.RetryAfter = "1";
            var reason = failure.Status switch
            {
                HttpStatusCode.TooManyRequests => "TooManyRequests",
                HttpStatusCode.Conflict => "Conflict",
                HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
                HttpStatusCode.Forbidden => "Forbidden",
                _ => "InternalError",
            };
            await StatusAsync(ctx, r, failure.Status, reason, $"injected failure: {(int)failure.Status} for {r.Method} {r.Path}");
            return;
        }
        if (r.Method == "GET" && r.Path.TrimEnd('/') == "/version")
        {
            await JsonAsync(ctx, r, HttpStatusCode.OK, new JsonObject
            {
                ["major"] = "1",
                ["minor"] = "31",
                ["gitVersion"] = "v1.31.2-fake",
                ["platform"] = "linux/amd64",
            });
            return;
        }
        if (r.Method == "POST" && r.Path == AccessReviewsPath)
        {
            await AccessReviewAsync(ctx, r);
            return;
        }
        var p = ApiPath.Parse(r.Path);
        if (p is null)
        {
            await StatusAsync(ctx, r, HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource ({r.Method} {r.Path})");
            return;
        }
        switch (r.Method)
        {
            case "PATCH" when p.Name is not null:
                await ApplyAsync(ctx, r, p);
                return;
            case "GET" when p.Name is null && r.IsWatch:
                await WatchAsync(ctx, r, p);
                return;
            case "GET" when p.Name is null:
                await ListAsync(ctx, r, p);
                return;
            case "GET":
                var found = Get(p.ObjectPath);
                if (found is null) await StatusAsync(ctx, r, HttpStatusCode.NotFound, "NotFound", $"{p.Plural}{Group(p)} \"{p.Name}\" not found");
                else await JsonAsync(ctx, r, HttpStatusCode.OK, found);
                return;
            default:
                await StatusAsync(ctx, r, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"the fake API server does not implement {r.Method} {r.Path}");
                return;
        }
    }

    private async Task ApplyAsync(HttpContext ctx, KubeRequest r, ApiPath p)
    {
        // A real API server refuses an apply it cannot recognise as one.
        if (!MediaTypeHeaderValue.TryParse(r.ContentType, out var mediaType) || mediaType.MediaType != ApplyPatchContentType)
        {
            await StatusAsync(ctx, r, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
                $"the body of the request was in an unknown format ({r.ContentType ?? "none"}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (the fake implements apply only)");
            return;
        }
        if (string.IsNullOrEmpty(r.Q("fieldManager")))
        {
            await StatusAsync(ctx, r, HttpStatusCode.UnprocessableEntity, "Invalid",
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            return;
        }
        if (ParseDocument(r.Body) is not { } applied)
        {
            await StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", "error decoding YAML: the body is not one JSON or YAML object");
            return;
        }
        var problem = (applied["apiVersion"]?.GetValue<string>(), applied["kind"]?.GetValue<string>(), applied["metadata"]?["name"]?.GetValue<string>(), applied["metadata"]?["namespace"]?.GetValue<string>()) switch
        {
            (null, _, _, _) or (_, null, _, _) => "apiVersion and kind must be set",
            (var v, _, _, _) when v != p.GroupVersion => $"the API version in the data ({v}) does not match the expected API version ({p.GroupVersion})",
            (_, _, var n, _) when n != p.Name => $"the name of the object ({n}) does not match the name on the URL ({p.Name})",
            (_, _, _, { } ns) when ns != p.Namespace => $"the namespace of the provided object ({ns}) does not match the namespace sent on the request ({p.Namespace})",
            _ => null,
        };
        if (problem is not null)
        {
            await StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", problem);
            return;
        }

        bool forbidden;
        lock (gate) forbidden = denied.Contains(("patch", p.Plural));
        if (forbidden)
        {
            await StatusAsync(ctx, r, HttpStatusCode.Forbidden, "Forbidden",
                $"{p.Plural}{Group(p)} \"{p.Name}\" is forbidden: User \"fake-admin\" cannot patch resource \"{p.Plural}\" in API group \"{Group(p).TrimStart('.')}\"");
            return;
        }
        if (CustomResourceDefinitionOf(p) is { } crd && !IsEstablished(Get($"{CrdsPath}/{crd}")))
        {
            // no Established CRD, no such resource: what a real API server answers before the operator is installed
            await StatusAsync(ctx, r, HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource (patch {crd} {p.Name})");
            return;
        }

        if (p.Namespace is not null && Get($"{NamespacesPath}/{p.Namespace}") is null)
        {
            await StatusAsync(ctx, r, HttpStatusCode.NotFound, "NotFound", $"namespaces \"{p.Namespace}\" not found");
            return;
        }
        if (CustomResourceDefinitionOf(p) is { } crdName && await SchemaRefusesAsync(ctx, r, p, crdName, applied)) return;

        var manager = r.Q("fieldManager")!;
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
            metadata["creationTimestamp"] = existing?.Object["metadata"]?["creationTimestamp"]?.DeepClone() ?? DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            merged.Remove("status");
            if (existing?.Object["status"] is { } status) merged["status"] = status.DeepClone();
            changed = existing is null || !JsonNode.DeepEquals(Content(existing.Object, withMetadata: true), Content(merged, withMetadata: true));
            specChanged = existing is null || !JsonNode.DeepEquals(Content(existing.Object, withMetadata: false), Content(merged, withMetadata: false));
            var generation = Long(existing?.Object["metadata"]?["generation"]) ?? 0;
            if (HasGeneration(p)) metadata["generation"] = specChanged ? generation + 1 : generation;
            metadata["managedFields"] = changed || existing is null
                ? ManagedFields(existing?.Object, manager, "Apply", null, p.GroupVersion)
                : existing.Object["metadata"]?["managedFields"]?.DeepClone();
            if (!changed)
                result = existing!.Object.DeepClone().AsObject(); // nothing changed: the resourceVersion stays
            else if (r.IsDryRun)
            {
                metadata["resourceVersion"] = existing?.Object["metadata"]?["resourceVersion"]?.DeepClone();
                result = merged; // what the object would be: judged, not stored
            }
            else
                result = Store(p, merged, existing?.Base, applies, created ? "ADDED" : "MODIFIED").DeepClone().AsObject();
        }
        if (!r.IsDryRun)
        {
            Changed();
            if (changed) AfterApply(p, specChanged);
        }
        await JsonAsync(ctx, r, created ? HttpStatusCode.Created : HttpStatusCode.OK, result);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Core.Rendering.CrdSchema?> Schemas = new();

    /// <summary>
    /// Judges a custom object by its CRD's schema as an API server does: strict field validation refuses undeclared
    /// fields (400, the strict decoding words), otherwise they pass with a warning; a type, enum or required-field
    /// violation, or a CEL rule of the Installation CRD (mirrored), is 422 Invalid with one cause per field.
    /// </summary>
    private async Task<bool> SchemaRefusesAsync(HttpContext ctx, KubeRequest r, ApiPath p, string crdName, JsonObject applied)
    {
        if (Get($"{CrdsPath}/{crdName}") is not { } crd) return false;
        var version = p.GroupVersion[(p.GroupVersion.IndexOf('/') + 1)..];
        var schemaJson = crd["spec"]?["versions"]?.ToJsonString() ?? "";
        var key = $"{version}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(schemaJson)))}";
        var schema = Schemas.GetOrAdd(key, _ => Core.Rendering.CrdSchema.Of(k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>(crd.ToJsonString()), version));
        if (schema is null) return false;
        var violations = schema.Check(applied);
        var unknown = violations.Where(v => v.Kind == Core.Rendering.SchemaViolationKind.UnknownField).ToList();
        if (unknown.Count > 0 && r.Q("fieldValidation") == "Strict")
        {
            await StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest",
                $"strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u.Field}\""))}");
            return true;
        }
        if (unknown.Count > 0)
            ctx.Response.Headers.Append("Warning", unknown.Select(u => $"299 - \"unknown field \\\"{u.Field}\\\"\"").ToArray());
        var invalid = violations.Except(unknown).Select(v => (Field: v.Field, Reason: v.Kind switch
        {
            Core.Rendering.SchemaViolationKind.NotSupported => "FieldValueNotSupported",
            Core.Rendering.SchemaViolationKind.Required => "FieldValueRequired",
            Core.Rendering.SchemaViolationKind.TypeInvalid => "FieldValueTypeInvalid",
            _ => "FieldValueInvalid",
        }, Message: v.ToString())).ToList();
        if (crdName == "installations.operator.tigera.io")
            invalid.AddRange(InstallationCel.Violations(applied).Select(v => (Field: v.Field.Length == 0 ? "<nil>" : v.Field, Reason: "FieldValueInvalid",
                Message: $"{(v.Field.Length == 0 ? "<nil>" : v.Field)}: Invalid value: \"object\": {v.Message}")));
        if (invalid.Count == 0) return false;
        var kind = applied["kind"]?.GetValue<string>() ?? "";
        var group = p.GroupVersion[..p.GroupVersion.IndexOf('/')];
        var messages = invalid.Select(i => i.Message).ToList();
        await JsonAsync(ctx, r, HttpStatusCode.UnprocessableEntity, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"{kind}.{group} \"{p.Name}\" is invalid: {(messages.Count == 1 ? messages[0] : $"[{string.Join(", ", messages)}]")}",
            ["reason"] = "Invalid",
            ["details"] = new JsonObject
            {
                ["name"] = p.Name,
                ["group"] = group,
                ["kind"] = kind,
                ["causes"] = new JsonArray([.. invalid.Select(i => (JsonNode)new JsonObject { ["reason"] = i.Reason, ["message"] = i.Message, ["field"] = i.Field })]),
            },
            ["code"] = 422,
        });
        return true;
    }

    private static long? Long(JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

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

    /// <summary>Kinds whose metadata.generation the API server keeps: custom objects, workloads, CRDs, policies; not ConfigMaps, namespaces or RBAC.</summary>
    private static bool HasGeneration(ApiPath p) => p.Prefix != "/api/v1" && !p.GroupVersion.StartsWith("rbac.", StringComparison.Ordinal);

    /// <summary>What the cluster's controllers would do once an object is applied.</summary>
    private void AfterApply(ApiPath p, bool specChanged)
    {
        if (p.ObjectPath == InstallationPath && CalicoReadiness != CalicoReadiness.NoTigeraStatus && !IsAvailable(Get(CalicoStatusPath)))
        {
            var never = CalicoReadiness == CalicoReadiness.Never;
            Put(CalicoStatusPath, TigeraStatus(available: false, degraded: never));
            if (!never)
            {
                Later(() =>
                {
                    SetCalicoAvailable();
                    Note("TigeraStatus calico Available");
                });
            }
        }
        if (p.Plural == "customresourcedefinitions" && EstablishCrds && !IsEstablished(Get(p.ObjectPath)))
        {
            Later(() =>
            {
                if (Get(p.ObjectPath) is not { } crd || IsEstablished(crd)) return;
                crd["status"] = new JsonObject { ["conditions"] = new JsonArray(Condition("NamesAccepted", true), Condition("Established", true)) };
                Put(p.ObjectPath, crd);
                Note($"CRD {p.Name} Established");
            });
        }
        if (p.Plural == "daemonsets" && specChanged && Get(p.ObjectPath) is { } ds)
        {
            // the DaemonSet controller rolls the pods of a new template: none updated, then all (unless Flannel is told not to come up)
            var generation = Long(ds["metadata"]?["generation"]) ?? 1;
            UpdateStatus(p.ObjectPath, DaemonSetStatus(desired: 3, ready: 0, updated: 0, generation));
            if (p.ObjectPath != FlannelDaemonSetPath || FlannelBecomesReady)
            {
                Later(() =>
                {
                    UpdateStatus(p.ObjectPath, DaemonSetStatus(desired: 3, ready: 3, updated: 3, generation));
                    Note($"DaemonSet {p.Name} ready");
                });
            }
        }
    }

    private async Task ListAsync(HttpContext ctx, KubeRequest r, ApiPath p)
    {
        JsonArray items;
        string rv;
        lock (gate)
        {
            items = [.. objects.Values.Where(o => o.Path.InCollection(p)).Select(o => (JsonNode)o.Object.DeepClone())];
            rv = resourceVersion.ToString(CultureInfo.InvariantCulture);
        }
        var kind = items.FirstOrDefault()?["kind"]?.GetValue<string>() ?? "Object";
        await JsonAsync(ctx, r, HttpStatusCode.OK, new JsonObject
        {
            ["apiVersion"] = p.GroupVersion,
            ["kind"] = kind + "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
            ["items"] = items,
        });
    }

    private async Task WatchAsync(HttpContext ctx, KubeRequest r, ApiPath p)
    {
        string? name = null;
        if (r.Q("fieldSelector") is { Length: > 0 } selector)
        {
            if (!selector.StartsWith("metadata.name=", StringComparison.Ordinal))
            {
                await StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", $"the fake supports only metadata.name field selectors, not {selector}");
                return;
            }
            name = selector["metadata.name=".Length..];
        }
        var timeout = int.TryParse(r.Q("timeoutSeconds"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5);
        var watch = new OpenWatch(p, name, Channel.CreateUnbounded<string>());
        lock (gate)
        {
            foreach (var o in objects.Values.Where(o => watch.Matches(o.Path)))
                watch.Events.Writer.TryWrite(Event("ADDED", o.Object));
            watches.Add(watch);
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping.Token);
        cts.CancelAfter(timeout); // like the API server, end the watch after timeoutSeconds
        try
        {
            r.Status = 200;
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.StartAsync(cts.Token);
            lock (gate) watch.Started = true;
            Changed();
            if (WatchesEndAtOnce) watch.Events.Writer.TryComplete();
            await foreach (var line in watch.Events.Reader.ReadAllAsync(cts.Token))
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
            lock (gate) watches.Remove(watch);
            Changed();
        }
    }

    private async Task AccessReviewAsync(HttpContext ctx, KubeRequest r)
    {
        if (ParseDocument(r.Body) is not { } review || review["spec"]?["resourceAttributes"] is not JsonObject attributes)
        {
            await StatusAsync(ctx, r, HttpStatusCode.BadRequest, "BadRequest", "spec.resourceAttributes is required");
            return;
        }
        var verb = attributes["verb"]?.GetValue<string>() ?? "";
        var resource = attributes["resource"]?.GetValue<string>() ?? "";
        bool allowed;
        lock (gate) allowed = !denied.Contains((verb, resource));
        review["status"] = allowed
            ? new JsonObject { ["allowed"] = true, ["reason"] = "fake: allowed" }
            : new JsonObject { ["allowed"] = false, ["reason"] = $"fake: {verb} {resource} is denied" };
        review["metadata"] ??= new JsonObject();
        await JsonAsync(ctx, r, HttpStatusCode.Created, review);
    }

    // ---------------------------------------------------------------- the store

    /// <summary>Under <see cref="gate"/>: stores with a new resourceVersion and tells matching watches.</summary>
    private JsonObject Store(ApiPath p, JsonObject obj, JsonObject? @base, Dictionary<string, JsonObject> applies, string eventType)
    {
        obj["metadata"]!["resourceVersion"] = (++resourceVersion).ToString(CultureInfo.InvariantCulture);
        objects[p.ObjectPath] = new Stored(p, obj, @base, applies);
        Publish(p, eventType, obj);
        return obj;
    }

    private void Publish(ApiPath p, string eventType, JsonObject obj)
    {
        foreach (var w in watches.Where(w => w.Matches(p))) w.Events.Writer.TryWrite(Event(eventType, obj));
    }

    private void Note(string what)
    {
        lock (gate) events.Add((++seq, what));
        Changed();
    }

    private void Changed()
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }

    /// <summary>A controller's reaction, a moment after the apply that caused it (so watches see it as a change).</summary>
    private void Later(Action action) => _ = Task.Run(async () =>
    {
        try
        {
            await Task.Delay(Settle, stopping.Token);
            action();
        }
        catch (OperationCanceledException)
        {
            // the fake stopped first
        }
    });

    private static string Event(string type, JsonObject obj) =>
        new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString();

    private static string Group(ApiPath p) => p.GroupVersion.Contains('/') ? "." + p.GroupVersion[..p.GroupVersion.IndexOf('/')] : "";

    private static readonly HashSet<string> BuiltInGroups =
        ["", "apps", "apiextensions.k8s.io", "rbac.authorization.k8s.io", "policy", "networking.k8s.io", "authorization.k8s.io", "batch"];

    /// <summary>The CRD that serves <paramref name="p"/>, or null for a built-in resource.</summary>
    private static string? CustomResourceDefinitionOf(ApiPath p)
    {
        var group = p.GroupVersion.Contains('/') ? p.GroupVersion[..p.GroupVersion.IndexOf('/')] : "";
        return BuiltInGroups.Contains(group) ? null : $"{p.Plural}.{group}";
    }

    private static bool IsEstablished(JsonObject? crd) =>
        crd?["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => c?["type"]?.GetValue<string>() == "Established" && c?["status"]?.GetValue<string>() == "True");

    private static bool IsAvailable(JsonObject? status) =>
        status?["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => c?["type"]?.GetValue<string>() == "Available" && c?["status"]?.GetValue<string>() == "True");

    private static JsonObject? ParseDocument(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // apply-patch+yaml may be YAML proper
        }
        try
        {
            var yaml = new YamlDotNet.Serialization.DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(body);
            return ToNode(yaml) as JsonObject;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
    }

    private static JsonNode? ToNode(object? yaml) => yaml switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(Convert.ToString(kv.Key, CultureInfo.InvariantCulture)!, ToNode(kv.Value)))),
        IEnumerable<object?> list => new JsonArray([.. list.Select(ToNode)]),
        _ => JsonSerializer.SerializeToNode(yaml),
    };

    private static async Task JsonAsync(HttpContext ctx, KubeRequest r, HttpStatusCode status, JsonNode body)
    {
        r.Status = (int)status;
        ctx.Response.StatusCode = (int)status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    private static Task StatusAsync(HttpContext ctx, KubeRequest r, HttpStatusCode status, string reason, string message) =>
        JsonAsync(ctx, r, status, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = (int)status,
        });

    public static JsonObject Condition(string type, bool status, string message = "", string? reason = null) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["reason"] = reason ?? (status ? type : ""),
        ["message"] = message,
        ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
    };

    public static JsonObject TigeraStatus(bool available, bool degraded = false) => new()
    {
        ["apiVersion"] = "operator.tigera.io/v1",
        ["kind"] = "TigeraStatus",
        ["metadata"] = new JsonObject { ["name"] = "calico" },
        ["spec"] = new JsonObject(),
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("Available", available, available ? "All objects available" : ""),
                Condition("Progressing", !available && !degraded, available || degraded ? "" : "DaemonSet calico-system/calico-node is not available"),
                Condition("Degraded", degraded, degraded ? DegradedMessage : "", degraded ? "PodFailure" : null)),
        },
    };

    public static JsonObject Crd(string name, bool established) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["group"] = name[(name.IndexOf('.') + 1)..], ["scope"] = "Cluster" },
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(Condition("NamesAccepted", true), Condition("Established", established)),
        },
    };

    public static JsonObject DaemonSet(int desired, int ready) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = new JsonObject { ["generation"] = 1 },
        ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "x" } } },
        ["status"] = DaemonSetStatus(desired, ready, updated: desired, generation: 1),
    };

    public static JsonObject DaemonSetStatus(int desired, int ready, int updated, long generation) => new()
    {
        ["currentNumberScheduled"] = desired,
        ["desiredNumberScheduled"] = desired,
        ["numberMisscheduled"] = 0,
        ["numberReady"] = ready,
        ["updatedNumberScheduled"] = updated,
        ["observedGeneration"] = generation,
    };

    /// <summary>An object, what it was before any apply (a test's Put), and each field manager's last apply.</summary>
    private sealed record Stored(ApiPath Path, JsonObject Object, JsonObject? Base, Dictionary<string, JsonObject> Applies);

    private sealed class Failure(string method, string path, HttpStatusCode status, bool dryRun)
    {
        public bool DryRun { get; } = dryRun;
        public string Method { get; } = method;
        public string Path { get; } = path;
        public HttpStatusCode Status { get; } = status;
        public int Left { get; set; }
    }

    private sealed class OpenWatch(ApiPath path, string? name, Channel<string> events)
    {
        public ApiPath Path { get; } = path;
        public Channel<string> Events { get; } = events;
        public bool Started { get; set; }

        public bool Matches(ApiPath o) => o.InCollection(Path) && (name is null || o.Name == name);
    }

    /// <summary>/api/v1/[namespaces/{ns}/]{plural}[/{name}] or /apis/{group}/{version}/[namespaces/{ns}/]{plural}[/{name}].</summary>
    private sealed record ApiPath(string Prefix, string GroupVersion, string? Namespace, string Plural, string? Name)
    {
        public string CollectionPath => Prefix + (Namespace is null ? "" : $"/namespaces/{Namespace}") + "/" + Plural;
        public string ObjectPath => CollectionPath + "/" + Name;

        /// <summary>Whether this object is in <paramref name="collection"/> (a collection without a namespace spans all).</summary>
        public bool InCollection(ApiPath collection) =>
            Prefix == collection.Prefix && Plural == collection.Plural && (collection.Namespace is null || Namespace == collection.Namespace);

        public static ApiPath? Parse(string path)
        {
            var s = path.Trim('/').Split('/');
            (string prefix, string gv, string[] rest) = s switch
            {
                ["api", var v, .. var r] => ($"/api/{v}", v, r),
                ["apis", var g, var v, .. var r] => ($"/apis/{g}/{v}", $"{g}/{v}", r),
                _ => ("", "", []),
            };
            return rest switch
            {
                ["namespaces", var ns, var plural] => new ApiPath(prefix, gv, ns, plural, null),
                ["namespaces", var ns, var plural, var name] => new ApiPath(prefix, gv, ns, plural, name),
                [var plural] => new ApiPath(prefix, gv, null, plural, null),
                [var plural, var name] => new ApiPath(prefix, gv, null, plural, name),
                _ => null,
            };
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

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
/// This class is what tests hold: it arranges the cluster and reports what happened, and leaves the work to the
/// parts behind it, one concern each (<see cref="FakeKubeRouter"/> serves HTTP, <see cref="FakeObjectStore"/> keeps
/// and merges objects, <see cref="FakeAdmission"/> judges writes, <see cref="FakeWatches"/> streams, <see cref="FakeControllers"/>
/// react, <see cref="FakeFaults"/> misbehave on purpose, <see cref="FakeJournal"/> remembers).
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

    private const string NodesPath = "/api/v1/nodes";

    private readonly CancellationTokenSource stopping = new();
    private readonly FakeJournal journal = new();
    private readonly FakeFaults faults = new();
    private readonly FakeWatches watches;
    private readonly FakeObjectStore store;
    private readonly FakeAdmission admission;
    private readonly FakeControllers controllers;
    private readonly FakeKubeRouter router;

    private FakeKubeApi()
    {
        Token = $"canary-{Guid.NewGuid():N}";
        watches = new FakeWatches(journal, faults, stopping.Token);
        store = new FakeObjectStore(watches, journal);
        admission = new FakeAdmission(store);
        controllers = new FakeControllers(store, journal, stopping.Token);
        router = new FakeKubeRouter(Token, journal, faults, store, admission, watches, controllers);

        foreach (var ns in new[] { "default", "kube-system", "kube-public" }) AddNamespace(ns);
        OperatorInstalled = true;
        SetNodes("10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24");
        SetKubeadmPodSubnet(DefaultPodSubnet);
        AddDaemonSet("kube-system", "kube-proxy");
    }

    public static async Task<FakeKubeApi> StartAsync()
    {
        var api = new FakeKubeApi();
        api.BaseAddress = await api.router.StartAsync();
        Assert.Equal("127.0.0.1", api.BaseAddress.Host);
        return api;
    }

    /// <summary>http://127.0.0.1:PORT, the server of the kubeconfig the fake writes.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The bearer token the fake accepts: a canary that must never be stored or logged.</summary>
    public string Token { get; }

    // ---------------------------------------------------------------- faults

    /// <summary>Answers 401 to everything, as a server that does not know the token.</summary>
    public bool RejectToken
    {
        get => faults.RejectToken;
        set => faults.RejectToken = value;
    }

    /// <summary>The message of those 401s, given the Authorization header received: a server or proxy that echoes it is what the scrubbing is for.</summary>
    public Func<string, string> UnauthorizedMessage
    {
        get => faults.UnauthorizedMessage;
        set => faults.UnauthorizedMessage = value;
    }

    /// <summary>Watches end right after their initial events, as behind a proxy that cuts long requests.</summary>
    public bool WatchesEndAtOnce
    {
        get => faults.WatchesEndAtOnce;
        set => faults.WatchesEndAtOnce = value;
    }

    /// <summary>
    /// The next <paramref name="times"/> requests with <paramref name="method"/> to exactly <paramref name="path"/> answer
    /// <paramref name="status"/> (429 with Retry-After: 1); dry runs (dryRun=All) only when <paramref name="dryRun"/>.
    /// </summary>
    public void FailNext(string method, string path, int times, HttpStatusCode status, bool dryRun = false) =>
        faults.FailNext(method, path, times, status, dryRun);

    // ---------------------------------------------------------------- the cluster's controllers

    public CalicoReadiness CalicoReadiness
    {
        get => controllers.CalicoReadiness;
        set => controllers.CalicoReadiness = value;
    }

    /// <summary>Whether the kube-flannel-ds DaemonSet's pods become ready after it is created or its template changes (0/3, then 3/3).</summary>
    public bool FlannelBecomesReady
    {
        get => controllers.FlannelBecomesReady;
        set => controllers.FlannelBecomesReady = value;
    }

    /// <summary>Whether an applied CustomResourceDefinition becomes Established (shortly after, as a MODIFIED event).</summary>
    public bool EstablishCrds
    {
        get => controllers.EstablishCrds;
        set => controllers.EstablishCrds = value;
    }

    /// <summary>TigeraStatus calico becomes Available (ADDED or MODIFIED on open watches).</summary>
    public void SetCalicoAvailable() => controllers.SetCalicoAvailable();

    // ---------------------------------------------------------------- arranging the cluster

    /// <summary>Whether Flannel runs: namespace kube-flannel and DaemonSet kube-flannel-ds (3/3 ready, installed by someone else).</summary>
    public bool FlannelInstalled
    {
        get => Get(FlannelDaemonSetPath) is not null;
        set
        {
            if (value)
            {
                AddNamespace("kube-flannel");
                Put(FlannelDaemonSetPath, FakeKubeObjects.DaemonSet(desired: 3, ready: 3));
            }
            else
            {
                Remove(FlannelDaemonSetPath);
                Remove(FlannelNamespacePath);
            }
        }
    }

    public void AddNamespace(string name) =>
        Put($"{NamespacesPath}/{name}",
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["status"] = new JsonObject { ["phase"] = "Active" } });

    /// <summary>
    /// Whether the CRD installations.operator.tigera.io exists (Established): the Tigera operator's own, from
    /// ../shared/upstream, whose schema the fake judges every Installation by.
    /// </summary>
    public bool OperatorInstalled
    {
        get => Get(TigeraCrdPath) is not null;
        set
        {
            if (value) Put(TigeraCrdPath, FakeKubeObjects.UpstreamInstallationCrd());
            else Remove(TigeraCrdPath);
        }
    }

    /// <summary>Changes the served Installation CRD (e.g. an older operator without a field) and stores it again.</summary>
    public void ChangeInstallationCrd(Action<JsonObject> change)
    {
        var crd = Get(TigeraCrdPath) ?? throw new InvalidOperationException("the operator is not installed");
        change(crd);
        Put(TigeraCrdPath, crd);
    }

    /// <summary>Stores <paramref name="obj"/> at its API path (name and namespace filled in from the path) and tells open watches.</summary>
    public void Put(string path, JsonObject obj) => store.Put(path, obj);

    /// <summary>A controller writes the status subresource: the applied content stays, the resourceVersion moves.</summary>
    public void UpdateStatus(string path, JsonObject status) => store.UpdateStatus(path, status);

    public void Remove(string path) => store.Remove(path);

    public JsonObject? Get(string path) => store.Get(path);

    public string? ResourceVersionOf(string path) => Get(path)?["metadata"]?["resourceVersion"]?.GetValue<string>();

    /// <summary>Replaces the nodes: one per pod CIDR (null: a node without spec.podCIDR).</summary>
    public void SetNodes(params string?[] podCidrs)
    {
        store.Forget(NodesPath + "/");
        for (var i = 0; i < podCidrs.Length; i++)
        {
            var spec = new JsonObject();
            if (podCidrs[i] is { } cidr) spec["podCIDR"] = cidr;
            Put($"{NodesPath}/node-{i}", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["spec"] = spec });
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
        Put($"/apis/apps/v1/namespaces/{ns}/daemonsets/{name}", FakeKubeObjects.DaemonSet(desired, ready));

    /// <summary>
    /// SelfSubjectAccessReviews for <paramref name="verb"/> on <paramref name="resource"/> (a plural, e.g. "installations") answer
    /// allowed: false, and so does the server: a denied "patch" answers 403 to the PATCH itself.
    /// </summary>
    public void Deny(string verb, string resource) => admission.Deny(verb, resource);

    // ---------------------------------------------------------------- what happened

    public IReadOnlyList<KubeRequest> Requests => journal.Requests;

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
    public IReadOnlyList<(long Seq, string What)> Events => journal.Events;

    public int OpenWatchCount(string collectionPath) => watches.OpenCount(collectionPath);

    /// <summary>Waits (woken by every request and change, bounded by <paramref name="timeout"/>) until <paramref name="condition"/> holds.</summary>
    public Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => journal.WaitUntilAsync(condition, what, timeout);

    // ---------------------------------------------------------------- reaching it

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
        await router.DisposeAsync();
        stopping.Dispose();
    }
}

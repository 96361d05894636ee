using System.Net;
using System.Text.Json.Nodes;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Provisioning.Targets.Kubernetes;
using Calico.Wizard.Store;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// A real API server's judgement, brought to the fake: the Tigera operator's own Installation CRD (and its CEL rules,
/// mirrored), strict field validation and dryRun=All. The provisioner asks it before the first write, and refuses in
/// preflight — with the field's path and the server's words, nothing written — what the cluster would refuse.
/// </summary>
public sealed class KubernetesSchemaTests
{
    private static readonly StepState[] Done = [StepState.Succeeded, StepState.Skipped];

    // ---------------------------------------------------------------- the fake judges like the API server

    [Fact]
    public async Task The_fake_refuses_an_unknown_field_under_strict_field_validation_with_the_servers_words()
    {
        await using var api = await FakeKubeApi.StartAsync();
        var installation = await DefaultInstallationAsync();
        installation["spec"]!["calicoNetwork"]!["bgpPeers"] = new JsonArray(); // not an Installation field

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => ApplyAsync(api, installation, dryRun: true));

        Assert.Equal("The dry run of Installation default failed: the API server answered 400 BadRequest: " +
            "strict decoding error: unknown field \"spec.calicoNetwork.bgpPeers\".", e.Message);
        var request = Assert.Single(api.DryRuns);
        Assert.Equal("Strict", request.Q("fieldValidation"));
        Assert.Null(api.Get(FakeKubeApi.InstallationPath)); // a dry run stores nothing, refused or not
    }

    [Fact]
    public async Task The_fake_refuses_a_value_outside_an_enum_with_422_and_one_cause_per_field()
    {
        await using var api = await FakeKubeApi.StartAsync();
        var installation = await DefaultInstallationAsync();
        installation["spec"]!["calicoNetwork"]!["ipPools"]![0]!["encapsulation"] = "IPIPAlways";
        installation["spec"]!["calicoNetwork"]!["bgp"] = "On";

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => ApplyAsync(api, installation, dryRun: false));

        Assert.StartsWith("Applying Installation default failed: the API server answered 422 UnprocessableEntity: " +
            "Installation.operator.tigera.io \"default\" is invalid: [", e.Message);
        Assert.Contains("spec.calicoNetwork.ipPools[0].encapsulation: Unsupported value: \"IPIPAlways\": supported values: ", e.Message);
        Assert.Contains("spec.calicoNetwork.bgp: Unsupported value: \"On\": supported values: \"Enabled\", \"Disabled\"", e.Message);
        Assert.Equal(422, Assert.Single(api.Patches).Status);
        Assert.Null(api.Get(FakeKubeApi.InstallationPath));
    }

    [Fact]
    public async Task The_fake_runs_the_installation_crds_cel_rules_that_json_schema_cannot()
    {
        await using var api = await FakeKubeApi.StartAsync();
        var installation = await DefaultInstallationAsync();
        installation["spec"]!["calicoNetwork"]!["nodeAddressAutodetectionV4"]!["interface"] = "eth0"; // and firstFound: two methods
        Assert.Empty(Upstream.InstallationSchema.Check(installation)); // valid as far as the schema goes

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => ApplyAsync(api, installation, dryRun: true));

        Assert.Contains("422 UnprocessableEntity: Installation.operator.tigera.io \"default\" is invalid: spec.calicoNetwork.nodeAddressAutodetectionV4: " +
            "Invalid value: \"object\": no more than one autodetection method can be specified", e.Message);
    }

    [Fact]
    public async Task A_dry_run_of_a_valid_object_answers_what_it_would_be_and_stores_nothing()
    {
        await using var api = await FakeKubeApi.StartAsync();

        var result = await ApplyAsync(api, await DefaultInstallationAsync(), dryRun: true);

        Assert.Equal("generation 1", result.Mark);
        Assert.Null(api.Get(FakeKubeApi.InstallationPath));
        Assert.Empty(api.Writes);
        Assert.Equal(201, Assert.Single(api.DryRuns).Status);
    }

    // ---------------------------------------------------------------- jobs: refused in preflight, nothing written

    [Fact]
    public async Task A_cluster_whose_operator_crd_lacks_a_field_we_send_fails_in_preflight_naming_the_field_and_writes_nothing()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.ChangeInstallationCrd(OlderOperatorWithoutPoolNames));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        var step = AssertFailedInPreflight(bed, job, KubeTestBed.OperatorStep);
        Assert.Equal("This cluster's Tigera operator does not know spec.calicoNetwork.ipPools[0].name: upgrade the operator, " +
            "or set Provisioning:OperatorManifest to a newer tigera-operator.yaml so the wizard upgrades it first.", step.Message);
        Assert.Empty(bed.Api.DryRuns); // refused before the server was even asked
    }

    [Fact]
    public async Task The_same_older_cluster_with_a_newer_operator_manifest_is_judged_by_the_manifests_crd_and_succeeds()
    {
        var manifest = KubernetesTargetTests.OperatorManifest.Replace(
            ToyCrdDocument(), Upstream.InstallationCrdYaml.TrimEnd() + "\n", StringComparison.Ordinal);
        Assert.NotEqual(KubernetesTargetTests.OperatorManifest, manifest);
        await using var bed = await KubeTestBed.StartAsync(
            new KubeBedOptions { OperatorManifestYaml = manifest }, api => api.ChangeInstallationCrd(OlderOperatorWithoutPoolNames));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.StartsWith("The operator manifest tigera-operator.yaml's CRD (applied before the Installation)", job.Step(KubeTestBed.OperatorStep).Message);
        // the manifest's CRD replaced the older one before the Installation was applied
        Assert.Equal([.. KubernetesTargetTests.OperatorManifestPaths, FakeKubeApi.InstallationPath], bed.Api.Patches.Select(p => p.Path));
        Assert.NotNull(PoolProperties(bed.Api.Get(FakeKubeApi.TigeraCrdPath)!)["name"]);
        Assert.True(bed.Api.DryRuns.Max(d => d.Seq) < bed.Api.Patches.Min(p => p.Seq), "a dry run came after a write");
    }

    [Fact]
    public async Task An_installation_the_schema_refuses_fails_in_preflight_with_the_field_and_the_supported_values()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { StartWorker = false });

        var failed = await RunWithStoredManifestChangedAsync(bed, "encapsulation: IPIP\n", "encapsulation: IPIPAlways\n");

        var step = AssertFailedInPreflight(bed, failed, KubeTestBed.OperatorStep);
        Assert.StartsWith(
            "This cluster's Tigera operator refuses spec.calicoNetwork.ipPools[0].encapsulation: Unsupported value: \"IPIPAlways\": supported values: ",
            step.Message);
        Assert.Contains("\"IPIPCrossSubnet\"", step.Message);
    }

    [Fact]
    public async Task An_object_only_the_servers_cel_rules_refuse_fails_the_dry_run_with_the_servers_words_before_any_write()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { StartWorker = false });

        var failed = await RunWithStoredManifestChangedAsync(bed, "firstFound: true\n", "firstFound: true\n      interface: eth0\n");

        var step = AssertFailedInPreflight(bed, failed, KubeTestBed.DryRunStep);
        Assert.Equal("The API server refused 1 object(s) in a dry run; nothing was written. " +
            "The dry run of Installation default failed: the API server answered 422 UnprocessableEntity: " +
            "Installation.operator.tigera.io \"default\" is invalid: spec.calicoNetwork.nodeAddressAutodetectionV4: " +
            "Invalid value: \"object\": no more than one autodetection method can be specified.", step.Message);
        Assert.Equal(422, Assert.Single(bed.Api.DryRuns).Status);
    }

    [Fact]
    public async Task A_network_policy_for_a_namespace_the_cluster_lacks_fails_the_dry_run_before_calico_is_touched()
    {
        await using var bed = await KubeTestBed.StartAsync();
        var policy = Core.Policies.PolicyStarters.DefaultDenyIngress.Replace("namespace: default", "namespace: payments", StringComparison.Ordinal);
        Assert.Contains("namespace: payments", policy);

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft(d => d.NetworkPolicies = [policy]));

        var step = AssertFailedInPreflight(bed, job, KubeTestBed.DryRunStep);
        Assert.Contains("namespaces \"payments\" not found", step.Message);
        Assert.Contains("Installation/default: accepted by the dry run", failed(job));
        static string failed(ProvisioningJob j) => string.Join("\n", j.Log.Select(l => l.Message));
    }

    [Fact]
    public async Task An_advanced_installation_passes_the_servers_judgement_and_is_applied_as_rendered()
    {
        await using var bed = await KubeTestBed.StartAsync();

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft(d =>
        {
            d.ChangeOverlay(Core.Drafts.Overlay.Vxlan);
            d.Bgp = false;
            d.MtuAuto = true;
            d.Dataplane = Core.Drafts.Dataplane.Bpf;
            d.NodeAddressDetection = Core.Drafts.NodeAddressDetection.Kubernetes;
        }));

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        var network = bed.Api.Get(FakeKubeApi.InstallationPath)!["spec"]!["calicoNetwork"]!;
        Assert.Equal(("VXLAN", "Disabled", "BPF", "NodeInternalIP"), (
            network["ipPools"]![0]!["encapsulation"]!.GetValue<string>(), network["bgp"]!.GetValue<string>(),
            network["linuxDataplane"]!.GetValue<string>(), network["nodeAddressAutodetectionV4"]!["kubernetes"]!.GetValue<string>()));
        Assert.Null(network["mtu"]);
        Assert.Equal(201, Assert.Single(bed.Api.DryRuns).Status);
    }

    [Fact]
    public async Task A_dual_stack_installation_needs_both_families_in_the_clusters_pod_subnet_and_applies_two_pools()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.SetKubeadmPodSubnet("10.20.0.0/16"));
        var draft = KubeTestBed.CalicoDraft(d => { d.ChangeNetworkStack(Core.Drafts.NetworkStack.DualStack); d.ChangeOverlay(Core.Drafts.Overlay.Vxlan); });

        var refused = await bed.RunAsync(draft);

        var step = AssertFailedInPreflight(bed, refused, "Preflight: cluster pod CIDR contains the Containers CIDR");
        Assert.Contains("does not contain the Containers CIDR fd00:10:20::/64", step.Message);

        bed.Api.SetKubeadmPodSubnet("10.20.0.0/16,fd00:10:20::/56");
        Assert.True(await bed.Fixture.Commands.RetryAsync(refused.Id));
        var job = await bed.Fixture.WaitForJobAsync(refused.Id, j => j.State is JobState.Succeeded or JobState.Failed);

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.Equal("kubeadm podSubnet 10.20.0.0/16,fd00:10:20::/56 contains 10.20.0.0/16 and fd00:10:20::/64",
            job.Step("Preflight: cluster pod CIDR contains the Containers CIDR").Message);
        Assert.Contains("block size 122 in fd00:10:20::/64", job.Step("Preflight: nodes fit the block size").Message);
        var pools = bed.Api.Get(FakeKubeApi.InstallationPath)!["spec"]!["calicoNetwork"]!["ipPools"]!.AsArray();
        Assert.Equal(["10.20.0.0/16", "fd00:10:20::/64"], pools.Select(p => p!["cidr"]!.GetValue<string>()));
    }

    // ---------------------------------------------------------------- Flannel, complete

    /// <summary>A small kube-flannel.yml: namespace, RBAC, its own ConfigMap and the DaemonSet.</summary>
    internal const string FlannelManifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: kube-flannel
          labels:
            pod-security.kubernetes.io/enforce: privileged
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: flannel
          namespace: kube-flannel
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: flannel
        rules:
        - apiGroups: [""]
          resources: ["nodes"]
          verbs: ["get", "list", "watch"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: flannel
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: flannel
        subjects:
        - kind: ServiceAccount
          name: flannel
          namespace: kube-flannel
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kube-flannel-cfg
          namespace: kube-flannel
        data:
          net-conf.json: |
            { "Network": "10.244.0.0/16", "Backend": { "Type": "vxlan" } }
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: kube-flannel-ds
          namespace: kube-flannel
        spec:
          selector:
            matchLabels:
              app: flannel
          template:
            metadata:
              labels:
                app: flannel
            spec:
              serviceAccountName: flannel
              containers:
              - name: kube-flannel
                image: ghcr.io/flannel-io/flannel:v0.26.1
                command: ["/opt/bin/flanneld", "--ip-masq", "--kube-subnet-mgr"]

        """;

    private static readonly string[] FlannelManifestPaths =
    [
        FakeKubeApi.FlannelNamespacePath,
        "/api/v1/namespaces/kube-flannel/serviceaccounts/flannel",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/flannel",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/flannel",
        FakeKubeApi.FlannelDaemonSetPath,
    ];

    [Fact]
    public async Task Flannel_absent_and_no_flannel_manifest_fails_in_preflight_saying_to_configure_one()
    {
        await using var bed = await KubeTestBed.StartAsync();

        var job = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());

        var step = AssertFailedInPreflight(bed, job, KubeTestBed.FlannelPresentStep);
        Assert.Contains("Flannel is not installed on this cluster (no DaemonSet kube-flannel/kube-flannel-ds)", step.Message);
        Assert.Contains("set Provisioning:FlannelManifest to its path, or install Flannel first", step.Message);
    }

    [Fact]
    public async Task Flannel_absent_with_a_flannel_manifest_installs_it_with_the_wizards_config_map_then_waits_for_the_rollout()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { FlannelManifestYaml = FlannelManifest });

        var job = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.All(job.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal("5 object(s) from kube-flannel.yml: 5 changed, 0 unchanged; 0 CRD(s) Established", job.Step(KubeTestBed.FlannelManifestStep).Message);
        // the manifest (without its own kube-flannel-cfg), the wizard's ConfigMap, then the restart annotation
        Assert.Equal([.. FlannelManifestPaths, FakeKubeApi.FlannelConfigMapPath, FakeKubeApi.FlannelDaemonSetPath], bed.Api.Patches.Select(p => p.Path));
        Assert.All(bed.Api.Patches, p => Assert.Equal(200 / 100, p.Status / 100));
        Assert.Equal(
            ["calico-wizard", "calico-wizard", "calico-wizard", "calico-wizard", "calico-wizard", "calico-wizard", KubernetesTarget.RestartFieldManager],
            bed.Api.Patches.Select(p => p.Q("fieldManager")));
        var netConf = JsonNode.Parse(bed.Api.Get(FakeKubeApi.FlannelConfigMapPath)!["data"]!["net-conf.json"]!.GetValue<string>())!;
        Assert.Equal("10.20.0.0/16", netConf["Network"]!.GetValue<string>()); // the Containers CIDR, not the manifest's 10.244.0.0/16
        // the restart merged one annotation into the DaemonSet the manifest applied: its containers are still there
        var ds = bed.Api.Get(FakeKubeApi.FlannelDaemonSetPath)!;
        Assert.Equal("ghcr.io/flannel-io/flannel:v0.26.1", ds["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", ds["spec"]!["template"]!["metadata"]!["annotations"]![KubernetesTarget.NetConfAnnotation]!.GetValue<string>());
        Assert.Equal(2, ds["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal("DaemonSet kube-flannel/kube-flannel-ds: 3/3 ready, rolled out", job.Steps[^1].Message);
        // the namespace did not exist, so what lives in it was named rather than dry-run
        Assert.Contains("not dry-run: ServiceAccount/kube-flannel/flannel (namespace kube-flannel is created by this job)",
            job.Step(KubeTestBed.DryRunStep).Message);
        Assert.True(bed.Api.DryRuns.Max(d => d.Seq) < bed.Api.Patches.Min(p => p.Seq), "a dry run came after a write");
    }

    [Fact]
    public async Task Run_again_on_flannel_says_unchanged_by_content_and_skips_the_restart_and_the_manifest_it_installed_is_unchanged()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { FlannelManifestYaml = FlannelManifest });
        var first = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());
        Assert.True(first.State == JobState.Succeeded, $"{first.State}: {first.Error}");
        var generation = bed.Api.Get(FakeKubeApi.FlannelDaemonSetPath)!["metadata"]!["generation"]!.GetValue<long>();
        var seen = bed.Api.Requests.Max(r => r.Seq);

        var again = await bed.Fixture.WaitUntilFinishedAsync((await bed.Fixture.Commands.RunAgainAsync(first.ClusterId))!.Value);

        Assert.True(again.State == JobState.Succeeded, $"{again.State}: {again.Error}");
        Assert.Equal("unchanged", again.Step("Apply ConfigMap/kube-flannel/kube-flannel-cfg").Message);
        Assert.Contains(again.Log, l => l.Message.StartsWith("ConfigMap/kube-flannel/kube-flannel-cfg: unchanged (content ", StringComparison.Ordinal));
        var restart = again.Step(KubeTestBed.RestartFlannelStep);
        Assert.Equal(StepState.Skipped, restart.State);
        Assert.StartsWith("the pods already run this net-conf.json", restart.Message);
        Assert.Equal("5 object(s) from kube-flannel.yml: 0 changed, 5 unchanged; 0 CRD(s) Established", again.Step(KubeTestBed.FlannelManifestStep).Message);
        Assert.DoesNotContain(bed.Api.Patches, p => p.Seq > seen && p.Q("fieldManager") == KubernetesTarget.RestartFieldManager);
        Assert.Equal(generation, bed.Api.Get(FakeKubeApi.FlannelDaemonSetPath)!["metadata"]!["generation"]!.GetValue<long>()); // no restart
    }

    [Fact]
    public async Task Flannel_someone_else_installed_is_left_alone_and_only_restarted_for_the_new_config()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { FlannelManifestYaml = FlannelManifest }, api => api.FlannelInstalled = true);

        var job = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        var manifest = job.Step(KubeTestBed.FlannelManifestStep);
        Assert.Equal(StepState.Skipped, manifest.State);
        Assert.Contains("Flannel already runs", manifest.Message);
        Assert.Equal([FakeKubeApi.FlannelConfigMapPath, FakeKubeApi.FlannelDaemonSetPath], bed.Api.Patches.Select(p => p.Path));
        Assert.Equal(KubernetesTarget.RestartFieldManager, bed.Api.Patches[1].Q("fieldManager"));
    }

    // ---------------------------------------------------------------- the target's client

    [Fact]
    public async Task Every_job_on_a_target_uses_the_one_target_the_container_owns_and_disposes()
    {
        await using var bed = await KubeTestBed.StartAsync();
        var targets = bed.Fixture.Services.GetServices<IProvisioningTarget>().OfType<KubernetesTarget>().ToList();
        var target = Assert.Single(targets);
        Assert.Same(target, bed.Fixture.Services.GetRequiredService<ProvisioningTargets>().Find(KubeTestBed.TargetName));
        Assert.IsAssignableFrom<IDisposable>(target); // the container disposes the target, and the target its one client
        Assert.Equal(JobState.Succeeded, (await bed.RunAsync(KubeTestBed.CalicoDraft())).State);
        Assert.Equal(JobState.Succeeded, (await bed.RunAsync(KubeTestBed.CalicoDraft(d => { d.Name = "edge-02"; d.L2Network = "rack-2"; }))).State);
    }

    // ---------------------------------------------------------------- helpers

    private static JobStep AssertFailedInPreflight(KubeTestBed bed, ProvisioningJob job, string stepName)
    {
        Assert.True(job.State == JobState.Failed, $"{job.State}: {job.Error}");
        var step = job.Step(stepName);
        Assert.Equal(StepState.Failed, step.State);
        Assert.Equal($"{stepName}: {step.Message}", job.Error);
        Assert.All(job.Steps.TakeWhile(s => s != step), s => Assert.Contains(s.State, Done));
        Assert.All(job.Steps.SkipWhile(s => s != step).Skip(1), s => Assert.Equal(StepState.Pending, s.State));
        Assert.Empty(bed.Api.Writes);
        Assert.Null(bed.Api.Get(FakeKubeApi.InstallationPath));
        return step;
    }

    /// <summary>An older operator's CRD: Installation pools without the name field.</summary>
    private static void OlderOperatorWithoutPoolNames(JsonObject crd) => PoolProperties(crd).AsObject().Remove("name");

    /// <summary>The properties an Installation CRD declares for spec.calicoNetwork.ipPools[] (its first version's schema).</summary>
    private static JsonNode PoolProperties(JsonObject crd) =>
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["calicoNetwork"]!
            ["properties"]!["ipPools"]!["items"]!["properties"]!;

    /// <summary>The CRD document of the test operator manifest (a schema that preserves unknown fields).</summary>
    private static string ToyCrdDocument()
    {
        var manifest = KubernetesTargetTests.OperatorManifest;
        var start = manifest.IndexOf("apiVersion: apiextensions.k8s.io/v1", StringComparison.Ordinal);
        var end = manifest.IndexOf("---", start, StringComparison.Ordinal);
        return manifest[start..end];
    }

    /// <summary>Submits the Calico draft, changes the manifest stored with its job, then lets the worker run it.</summary>
    private static async Task<ProvisioningJob> RunWithStoredManifestChangedAsync(KubeTestBed bed, string from, string to)
    {
        var job = await bed.SubmitAsync(KubeTestBed.CalicoDraft());
        await bed.Fixture.ReplaceInStoredManifestAsync(job.Id, from, to);
        await bed.Fixture.StartWorkerAsync();
        return await bed.Fixture.WaitUntilFinishedAsync(job.Id);
    }

    /// <summary>The Installation of PMK's defaults, as JSON to break on purpose.</summary>
    private static async Task<JsonObject> DefaultInstallationAsync() =>
        JsonNode.Parse(KubernetesJson.Serialize(ManifestRenderer.Render((await TestDrafts.Valid().CheckAsync()).Spec!)[0].Body))!.AsObject();

    /// <summary>The provisioner's own server-side apply of <paramref name="installation"/> to the fake, without retries.</summary>
    private static async Task<ServerSideApply.Result> ApplyAsync(FakeKubeApi api, JsonObject installation, bool dryRun)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calico-wizard-ssa-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            using var client = KubernetesConnection.Create(
                new KubernetesTargetOptions { Name = "t", Kubeconfig = api.WriteKubeconfig(directory), Context = "fake" },
                new KubernetesApplyOptions { RetryAttempts = 1 }); // a 400 or 422 is not retried anyway
            return await new ServerSideApply(client).ApplyAsync(
                Tigera.ApiVersion, Tigera.InstallationKind, null, "default", installation, CancellationToken.None, dryRun);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

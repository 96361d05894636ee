using System.Text.Json.Nodes;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Store;
using k8s;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>Whole jobs on the Kubernetes target against the fake API server: what is sent, in which order, and what is stored.</summary>
public sealed class KubernetesTargetTests
{
    private const string ExpectedInstallation = """
        {
          "apiVersion": "operator.tigera.io/v1",
          "kind": "Installation",
          "metadata": { "name": "default" },
          "spec": {
            "cni": { "type": "Calico" },
            "calicoNetwork": {
              "bgp": "Enabled",
              "mtu": 1440,
              "ipPools": [
                {
                  "name": "default-ipv4-ippool",
                  "cidr": "10.20.0.0/16",
                  "blockSize": 26,
                  "encapsulation": "IPIP",
                  "natOutgoing": "Enabled",
                  "nodeSelector": "all()"
                }
              ],
              "nodeAddressAutodetectionV4": { "firstFound": true }
            }
          }
        }
        """;

    /// <summary>A small tigera-operator.yaml: the objects the real one is made of, one of each kind.</summary>
    internal const string OperatorManifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: tigera-operator
          labels:
            name: tigera-operator
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: installations.operator.tigera.io
        spec:
          group: operator.tigera.io
          names:
            kind: Installation
            listKind: InstallationList
            plural: installations
            singular: installation
          scope: Cluster
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
            subresources:
              status: {}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: tigera-operator
          namespace: tigera-operator
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: tigera-operator
          namespace: tigera-operator
          labels:
            k8s-app: tigera-operator
        spec:
          replicas: 1
          selector:
            matchLabels:
              name: tigera-operator
          template:
            metadata:
              labels:
                name: tigera-operator
                k8s-app: tigera-operator
            spec:
              serviceAccountName: tigera-operator
              hostNetwork: true
              containers:
              - name: tigera-operator
                image: quay.io/tigera/operator:v1.36.2
                imagePullPolicy: IfNotPresent
                command: ["operator"]
                env:
                - name: WATCH_NAMESPACE
                  value: ""

        """;

    internal static readonly string[] OperatorManifestPaths =
    [
        "/api/v1/namespaces/tigera-operator",
        FakeKubeApi.TigeraCrdPath,
        "/api/v1/namespaces/tigera-operator/serviceaccounts/tigera-operator",
        "/apis/apps/v1/namespaces/tigera-operator/deployments/tigera-operator",
    ];

    private const string WaitForCalico = "Wait for TigeraStatus calico Available";
    private const string ApplyInstallation = "Apply Installation/default";
    private const string OperatorManifestStep = "Apply the Tigera operator manifest";
    private static readonly StepState[] Done = [StepState.Succeeded, StepState.Skipped];

    internal static void AssertServerSideApply(KubeRequest patch)
    {
        Assert.Equal("PATCH", patch.Method);
        Assert.StartsWith(FakeKubeApi.ApplyPatchContentType, patch.ContentType);
        Assert.Equal("calico-wizard", patch.Q("fieldManager"));
        Assert.Equal("true", patch.Q("force"));
        Assert.Equal("Strict", patch.Q("fieldValidation"));
        Assert.InRange(patch.Status, 200, 201);
    }

    internal static void AssertJsonEqual(string expected, string actual)
    {
        var e = JsonNode.Parse(expected);
        var a = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(e, a), $"expected {e?.ToJsonString()}\nactual   {a?.ToJsonString()}");
    }

    [Fact]
    public async Task Calico_should_succeed_after_every_preflight_step_with_one_server_side_apply_of_the_rendered_installation()
    {
        await using var bed = await KubeTestBed.StartAsync();

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.Null(job.Error);
        Assert.Equal(KubeTestBed.CalicoSteps, job.Steps.Select(s => s.Name));
        Assert.All(job.Steps.Where(s => s.Name != OperatorManifestStep), s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal(StepState.Skipped, job.Step(OperatorManifestStep).State);
        Assert.StartsWith("no operator manifest configured", job.Step(OperatorManifestStep).Message);
        Assert.StartsWith("applied", job.Step(ApplyInstallation).Message);
        Assert.Equal("TigeraStatus calico is Available", job.Step(WaitForCalico).Message);
        Assert.Contains("knows every field of Installation/default", job.Step(KubeTestBed.OperatorStep).Message);

        var patch = Assert.Single(bed.Api.Patches);
        Assert.Equal(FakeKubeApi.InstallationPath, patch.Path);
        AssertServerSideApply(patch);
        AssertJsonEqual(ExpectedInstallation, patch.Body);
        // the server judged the same object in a dry run first, which stored nothing
        var dryRun = Assert.Single(bed.Api.DryRuns);
        Assert.Equal(patch.Path, dryRun.Path);
        Assert.Equal(patch.Body, dryRun.Body);
        Assert.True(dryRun.Seq < patch.Seq);
        Assert.Equal("1 object(s) accepted by the API server's dry run (admission, schema, strict fields; nothing persisted)",
            job.Step(KubeTestBed.DryRunStep).Message);
        // and it is exactly what the renderer makes of the spec the job stored
        var rendered = ManifestRenderer.Render(await bed.SpecOfAsync(job.ClusterId));
        AssertJsonEqual(KubernetesJson.Serialize(Assert.Single(rendered).Body), patch.Body);
        Assert.Equal("IPIP", bed.Api.Get(FakeKubeApi.InstallationPath)!["spec"]!["calicoNetwork"]!["ipPools"]![0]!["encapsulation"]!.GetValue<string>());

        // it waited on a watch of TigeraStatus calico, opened after the apply
        var watch = Assert.Single(bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath));
        Assert.Equal("metadata.name=calico", watch.Q("fieldSelector"));
        Assert.True(watch.Seq > patch.Seq);
        Assert.Contains(bed.Api.Events, e => e.What == "TigeraStatus calico Available");
    }

    [Fact]
    public async Task Flannel_on_azure_should_apply_the_flannel_config_map_and_wait_on_a_watch_of_the_flannel_daemon_set()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.FlannelInstalled = true);

        var job = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.Equal(KubeTestBed.FlannelSteps, job.Steps.Select(s => s.Name));
        Assert.All(job.Steps.Where(s => s.Name != KubeTestBed.FlannelManifestStep), s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal(StepState.Skipped, job.Step(KubeTestBed.FlannelManifestStep).State);
        Assert.Equal("DaemonSet kube-flannel/kube-flannel-ds: 3/3 ready, rolled out", job.Steps[^1].Message);

        // the ConfigMap, then the restart: the pods read net-conf.json only when they start
        Assert.Equal([FakeKubeApi.FlannelConfigMapPath, FakeKubeApi.FlannelDaemonSetPath], bed.Api.Patches.Select(p => p.Path));
        var patch = bed.Api.Patches[0];
        AssertServerSideApply(patch);
        var body = JsonNode.Parse(patch.Body)!;
        Assert.Equal("v1", body["apiVersion"]!.GetValue<string>());
        Assert.Equal("ConfigMap", body["kind"]!.GetValue<string>());
        Assert.Equal("kube-flannel-cfg", body["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("kube-flannel", body["metadata"]!["namespace"]!.GetValue<string>());
        var netConf = JsonNode.Parse(body["data"]!["net-conf.json"]!.GetValue<string>())!;
        Assert.Equal("10.20.0.0/16", netConf["Network"]!.GetValue<string>());
        Assert.Equal("vxlan", netConf["Backend"]!["Type"]!.GetValue<string>());

        // the readiness wait is a watch of that one DaemonSet, opened after the apply; it saw 0/3 and then 3/3
        var watch = Assert.Single(bed.Api.WatchesOf(FakeKubeApi.FlannelDaemonSetsPath));
        Assert.Equal("metadata.name=kube-flannel-ds", watch.Q("fieldSelector"));
        Assert.True(watch.Seq > bed.Api.Patches[1].Seq);
        Assert.Contains(bed.Api.Events, e => e.What == "DaemonSet kube-flannel-ds ready");
        // nothing Calico was touched or asked about
        Assert.DoesNotContain(bed.Api.Requests,
            r => r.Path.Contains("tigera", StringComparison.Ordinal) || r.Body.Contains("tigera", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_again_on_the_same_cluster_should_succeed_with_one_patch_per_object_say_unchanged_and_keep_the_resource_version()
    {
        await using var bed = await KubeTestBed.StartAsync();
        var first = await bed.RunAsync(KubeTestBed.CalicoDraft());
        Assert.Equal(JobState.Succeeded, first.State);
        var resourceVersion = bed.Api.ResourceVersionOf(FakeKubeApi.InstallationPath);
        Assert.NotNull(resourceVersion);
        var seen = bed.Api.Requests.Max(r => r.Seq);

        var againId = await bed.Fixture.Commands.RunAgainAsync(first.ClusterId);
        Assert.NotNull(againId);
        var again = await bed.Fixture.WaitUntilFinishedAsync(againId.Value);

        Assert.True(again.State == JobState.Succeeded, $"{again.State}: {again.Error}");
        Assert.NotEqual(first.Id, again.Id);
        var patch = Assert.Single(bed.Api.Patches, p => p.Seq > seen);
        Assert.Equal(FakeKubeApi.InstallationPath, patch.Path);
        AssertServerSideApply(patch);
        Assert.Equal(200, patch.Status);
        Assert.Equal("unchanged", again.Steps.Single(s => s.Name == ApplyInstallation).Message);
        Assert.Contains(again.Log, l => l.Message == $"Installation/default: unchanged (generation 1, resourceVersion {resourceVersion})");
        Assert.Equal(resourceVersion, bed.Api.ResourceVersionOf(FakeKubeApi.InstallationPath));
        Assert.StartsWith("applied", first.Steps.Single(s => s.Name == ApplyInstallation).Message);
    }

    [Fact]
    public async Task Missing_operator_crd_with_an_operator_manifest_should_apply_each_object_wait_for_the_crd_established_then_apply_the_installation()
    {
        await using var bed = await KubeTestBed.StartAsync(
            new KubeBedOptions { OperatorManifestYaml = OperatorManifest }, api => api.OperatorInstalled = false);

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.Contains("will install it", job.Step(KubeTestBed.OperatorStep).Message);
        Assert.Equal("4 object(s) from tigera-operator.yaml: 4 changed, 0 unchanged; 1 CRD(s) Established", job.Step(OperatorManifestStep).Message);
        // what can be judged before the namespace and the CRD exist was dry-run; the rest is named
        Assert.Equal(["/api/v1/namespaces/tigera-operator", FakeKubeApi.TigeraCrdPath], bed.Api.DryRuns.Select(d => d.Path));
        Assert.Equal("2 object(s) accepted by the API server's dry run (admission, schema, strict fields; nothing persisted); not dry-run: " +
            "ServiceAccount/tigera-operator/tigera-operator (namespace tigera-operator is created by this job), " +
            "Deployment/tigera-operator/tigera-operator (namespace tigera-operator is created by this job), " +
            "Installation/default (its CRD comes with this job's manifest)", job.Step(KubeTestBed.DryRunStep).Message);
        var patches = bed.Api.Patches;
        Assert.Equal([.. OperatorManifestPaths, FakeKubeApi.InstallationPath], patches.Select(p => p.Path));
        Assert.All(patches, AssertServerSideApply);
        var deployment = JsonNode.Parse(patches[3].Body)!;
        Assert.Equal("Deployment", deployment["kind"]!.GetValue<string>());
        Assert.Equal("quay.io/tigera/operator:v1.36.2", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        var crd = JsonNode.Parse(patches[1].Body)!;
        Assert.Equal("installations", crd["spec"]!["names"]!["plural"]!.GetValue<string>());

        // the CRD was watched after the manifest was applied, and the Installation applied only once it was Established
        var crdWatch = Assert.Single(bed.Api.WatchesOf(FakeKubeApi.CrdsPath));
        Assert.Equal("metadata.name=installations.operator.tigera.io", crdWatch.Q("fieldSelector"));
        Assert.True(crdWatch.Seq > patches[3].Seq);
        var established = Assert.Single(bed.Api.Events, e => e.What == "CRD installations.operator.tigera.io Established");
        Assert.True(established.Seq < patches[4].Seq, "the Installation was applied before its CRD was Established");
        Assert.True(bed.Api.OperatorInstalled);
    }

    [Fact]
    public async Task Run_again_with_the_operator_manifest_should_patch_every_object_exactly_once_and_change_no_resource_version()
    {
        await using var bed = await KubeTestBed.StartAsync(
            new KubeBedOptions { OperatorManifestYaml = OperatorManifest }, api => api.OperatorInstalled = false);
        var first = await bed.RunAsync(KubeTestBed.CalicoDraft());
        Assert.True(first.State == JobState.Succeeded, $"{first.State}: {first.Error}");
        string[] paths = [.. OperatorManifestPaths, FakeKubeApi.InstallationPath];
        var versions = paths.Select(bed.Api.ResourceVersionOf).ToArray();
        var seen = bed.Api.Requests.Max(r => r.Seq);

        var again = await bed.Fixture.WaitUntilFinishedAsync((await bed.Fixture.Commands.RunAgainAsync(first.ClusterId))!.Value);

        Assert.True(again.State == JobState.Succeeded, $"{again.State}: {again.Error}");
        Assert.Equal(paths, bed.Api.Patches.Where(p => p.Seq > seen).Select(p => p.Path));
        Assert.Equal(versions, paths.Select(bed.Api.ResourceVersionOf));
        Assert.All(bed.Api.Patches.Where(p => p.Seq > seen), p => Assert.Equal(200, p.Status));
        string[] keys =
        [
            "Namespace/tigera-operator", "ServiceAccount/tigera-operator/tigera-operator", "Deployment/tigera-operator/tigera-operator",
            "Installation/default",
        ];
        foreach (var key in keys)
            Assert.Contains(again.Log, l => l.Message.StartsWith($"{key}: unchanged (", StringComparison.Ordinal));
        Assert.Equal("unchanged", again.Step(ApplyInstallation).Message);
    }

    [Fact]
    public async Task Run_again_after_controllers_updated_status_should_still_say_unchanged()
    {
        await using var bed = await KubeTestBed.StartAsync(
            new KubeBedOptions { OperatorManifestYaml = OperatorManifest }, api => api.OperatorInstalled = false);
        var first = await bed.RunAsync(KubeTestBed.CalicoDraft());
        Assert.True(first.State == JobState.Succeeded, $"{first.State}: {first.Error}");
        // the operator reports on its Installation, as it does on a real cluster
        bed.Api.UpdateStatus(FakeKubeApi.InstallationPath, new JsonObject { ["variant"] = "Calico", ["calicoVersion"] = "v3.29.1" });
        string[] paths = [.. OperatorManifestPaths, FakeKubeApi.InstallationPath];
        var versions = paths.Select(bed.Api.ResourceVersionOf).ToArray();

        var again = await bed.Fixture.WaitUntilFinishedAsync((await bed.Fixture.Commands.RunAgainAsync(first.ClusterId))!.Value);

        Assert.True(again.State == JobState.Succeeded, $"{again.State}: {again.Error}");
        Assert.Equal(versions, paths.Select(bed.Api.ResourceVersionOf)); // the server changed nothing
        Assert.Equal("4 object(s) from tigera-operator.yaml: 0 changed, 4 unchanged; 1 CRD(s) Established", again.Step(OperatorManifestStep).Message);
        Assert.Equal("unchanged", again.Step(ApplyInstallation).Message);
    }

    [Fact]
    public async Task Calico_never_available_should_fail_after_the_readiness_timeout_with_a_message_naming_tigera_status()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { ReadinessTimeout = TimeSpan.FromSeconds(5) },
            api => api.CalicoReadiness = CalicoReadiness.Never);

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.Equal(JobState.Failed, job.State);
        var wait = job.Steps[^1];
        Assert.Equal(WaitForCalico, wait.Name);
        Assert.Equal(StepState.Failed, wait.State);
        Assert.Contains("did not become Available within 00:00:05", wait.Message);
        Assert.Contains("tigerastatus calico", wait.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"last conditions: {FakeKubeApi.DegradedConditions}", wait.Message); // the timeout says what calico last said
        Assert.StartsWith($"{WaitForCalico}: Calico did not become Available", job.Error);
        Assert.All(job.Steps.SkipLast(1), s => Assert.Contains(s.State, Done));
        Assert.Single(bed.Api.PatchesTo(FakeKubeApi.InstallationPath));
        Assert.NotEmpty(bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath));
        // it saw calico (Degraded, not Available) on the watch, and said why in the job's log
        Assert.Contains(job.Log, l => l.Message == $"TigeraStatus calico: {FakeKubeApi.DegradedConditions}");
    }

    [Fact]
    public async Task Stopping_the_worker_while_it_waits_then_a_new_process_should_finish_the_job_without_applying_the_installation_again()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.CalicoReadiness = CalicoReadiness.Never);
        var job = await bed.SubmitAsync(KubeTestBed.CalicoDraft());
        await bed.WaitForStepAsync(job.Id, WaitForCalico, StepState.Running);
        await bed.Api.WaitUntilAsync(() => bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 1, "an open watch of TigeraStatus calico");

        // the server goes down mid-wait
        using (var stopping = new CancellationTokenSource(ProvisioningFixture.Timeout))
            await bed.Fixture.Worker.StopAsync(stopping.Token);
        var stopped = await bed.Fixture.LoadJobAsync(job.Id);
        Assert.Equal(JobState.Running, stopped!.State); // not failed, not cancelled: unfinished
        Assert.Equal(StepState.Succeeded, stopped.Steps.Single(s => s.Name == ApplyInstallation).State);
        Assert.Equal(StepState.Running, stopped.Steps.Single(s => s.Name == WaitForCalico).State);
        await bed.Api.WaitUntilAsync(() => bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 0, "the first watch closed");

        // it comes back on the same database and resumes at the wait
        var process = await bed.Fixture.StartProcessAsync();
        await bed.Api.WaitUntilAsync(() => bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 1, "a new watch of TigeraStatus calico");
        bed.Api.SetCalicoAvailable();
        var finished = await bed.Fixture.WaitUntilFinishedAsync(job.Id, process);

        Assert.True(finished.State == JobState.Succeeded, $"{finished.State}: {finished.Error}");
        Assert.All(finished.Steps, s => Assert.Contains(s.State, Done));
        Assert.Single(bed.Api.PatchesTo(FakeKubeApi.InstallationPath));
        Assert.Equal(2, bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath).Count);
        // the resumed run did not redo the preflight either
        Assert.Single(bed.Api.Requests, r => r.Path.TrimEnd('/') == "/version");
    }

    [Fact]
    public async Task Cancelling_a_job_waiting_for_calico_should_cancel_it_and_retrying_it_should_succeed_without_applying_again()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.CalicoReadiness = CalicoReadiness.Never);
        var job = await bed.SubmitAsync(KubeTestBed.CalicoDraft());
        await bed.WaitForStepAsync(job.Id, WaitForCalico, StepState.Running);
        await bed.Api.WaitUntilAsync(() => bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 1, "an open watch of TigeraStatus calico");
        // shown live, while it waits
        await bed.Fixture.WaitForJobAsync(job.Id, j => j.Log.Any(l => l.Message == $"TigeraStatus calico: {FakeKubeApi.DegradedConditions}"));

        Assert.True(await bed.Fixture.Commands.CancelAsync(job.Id));
        var cancelled = await bed.Fixture.WaitUntilFinishedAsync(job.Id);

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal($"Cancelled during '{WaitForCalico}'", cancelled.Error);
        Assert.Equal("Cancelled", cancelled.Steps.Single(s => s.Name == WaitForCalico).Message);
        // what the step saw before it was cancelled is kept: it is why an operator cancels
        Assert.Contains(cancelled.Log, l => l.Message == $"TigeraStatus calico: {FakeKubeApi.DegradedConditions}");
        Assert.StartsWith("Finished: Cancelled", cancelled.Log[^1].Message);
        await bed.Api.WaitUntilAsync(() => bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 0, "the watch closed on cancel");

        bed.Api.SetCalicoAvailable();
        Assert.True(await bed.Fixture.Commands.RetryAsync(job.Id));
        var retried = await bed.Fixture.WaitForJobAsync(job.Id, j => j.State is JobState.Succeeded or JobState.Failed);

        Assert.True(retried.State == JobState.Succeeded, $"{retried.State}: {retried.Error}");
        Assert.All(retried.Steps, s => Assert.Contains(s.State, Done));
        Assert.Single(bed.Api.PatchesTo(FakeKubeApi.InstallationPath));
        Assert.Equal(2, bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath).Count);
    }

    [Fact]
    public async Task Watches_the_server_ends_at_once_should_be_watched_again_until_calico_is_available()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
        {
            api.WatchesEndAtOnce = true;
            api.CalicoReadiness = CalicoReadiness.Never; // calico exists, not Available, until the test says so
        });
        var job = await bed.SubmitAsync(KubeTestBed.CalicoDraft());
        await bed.Api.WaitUntilAsync(
            () => bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath).Count >= 1 && bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 0,
            "a watch of TigeraStatus calico that the server ended before calico was Available");

        bed.Api.SetCalicoAvailable();
        var finished = await bed.Fixture.WaitUntilFinishedAsync(job.Id);

        Assert.True(finished.State == JobState.Succeeded, $"{finished.State}: {finished.Error}");
        Assert.Equal("TigeraStatus calico is Available", finished.Steps[^1].Message);
        Assert.True(bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath).Count >= 2, "calico became Available only after the first watch ended");
    }

    [Fact]
    public async Task A_watch_the_server_ends_before_tigera_status_exists_should_be_watched_again_not_fail_the_job()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
        {
            api.WatchesEndAtOnce = true; // as a real server does after timeoutSeconds: an empty body
            api.CalicoReadiness = CalicoReadiness.NoTigeraStatus;
        });
        var job = await bed.SubmitAsync(KubeTestBed.CalicoDraft());
        await bed.Api.WaitUntilAsync(
            () => bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath).Count >= 1 && bed.Api.OpenWatchCount(FakeKubeApi.TigeraStatusesPath) == 0,
            "a watch of TigeraStatus calico that ended empty");

        bed.Api.SetCalicoAvailable(); // the operator finally reports
        var finished = await bed.Fixture.WaitUntilFinishedAsync(job.Id);

        Assert.True(finished.State == JobState.Succeeded, $"{finished.State}: {finished.Error}");
        Assert.True(bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath).Count >= 2);
    }

    [Theory]
    [InlineData(true, CalicoReadiness.Never)]
    [InlineData(true, CalicoReadiness.NoTigeraStatus)]
    [InlineData(false, CalicoReadiness.Never)]
    public async Task Watches_the_server_ends_at_once_should_not_become_a_request_loop_and_still_time_out(bool calico, CalicoReadiness readiness)
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { ReadinessTimeout = TimeSpan.FromSeconds(5) }, api =>
        {
            api.WatchesEndAtOnce = true;
            api.CalicoReadiness = readiness;
            api.FlannelBecomesReady = false;
            api.FlannelInstalled = !calico; // its pods restart for the new net-conf.json and never come back
        });

        var job = await bed.RunAsync(calico ? KubeTestBed.CalicoDraft() : KubeTestBed.FlannelOnAzureDraft());

        Assert.Equal(JobState.Failed, job.State);
        Assert.True(job.Error!.Contains(calico ? "Calico did not become Available within 00:00:05" : "Flannel was not ready within 00:00:05",
            StringComparison.Ordinal), job.Error);
        // a pause between watches: a handful in the 5 s, not thousands (9,940 before the fix)
        var watches = bed.Api.WatchesOf(calico ? FakeKubeApi.TigeraStatusesPath : FakeKubeApi.FlannelDaemonSetsPath).Count;
        Assert.InRange(watches, 1, 10);
    }
}

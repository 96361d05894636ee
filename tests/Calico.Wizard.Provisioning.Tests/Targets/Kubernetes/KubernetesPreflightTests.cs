using System.Net;
using System.Text.Json.Nodes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Store;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// Each preflight check stops the job before anything is written, at its own step, with a message that says what
/// to do. "Nothing written" is checked on the wire: the fake saw no PATCH (nor any other write).
/// </summary>
public sealed class KubernetesPreflightTests
{
    private const string ApiReachable = "Preflight: API server reachable";
    private const string OperatorCrd = KubeTestBed.OperatorStep;
    private const string NoOtherCni = "Preflight: no other CNI DaemonSet";
    private const string NodesFit = "Preflight: nodes fit the block size";
    private const string PodCidr = "Preflight: cluster pod CIDR contains the Containers CIDR";
    private const string Permissions = "Preflight: permissions to apply";

    /// <returns>The failed step's message.</returns>
    private static string AssertFailedAt(ProvisioningJob job, string step, params string[] phrases)
    {
        Assert.Equal(JobState.Failed, job.State);
        var index = job.Steps.FindIndex(s => s.Name == step);
        Assert.True(index > 0, $"no step '{step}' in {string.Join(", ", job.Steps.Select(s => s.Name))}");
        Assert.All(job.Steps.Take(index), s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal(StepState.Failed, job.Steps[index].State);
        Assert.All(job.Steps.Skip(index + 1), s => Assert.Equal(StepState.Pending, s.State));
        var message = job.Steps[index].Message!;
        Assert.Equal($"{step}: {message}", job.Error);
        foreach (var phrase in phrases) Assert.Contains(phrase, message);
        Assert.Contains(job.Log, l => l.Message == $"Finished: Failed — {job.Error}");
        return message;
    }

    private static void AssertNothingWritten(KubeTestBed bed)
    {
        Assert.Empty(bed.Api.Writes);
        Assert.Null(bed.Api.Get(FakeKubeApi.InstallationPath));
    }

    [Fact]
    public async Task Api_server_unreachable_should_fail_the_reachability_step_saying_to_check_the_kubeconfig()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { Server = FakeKubeApi.ClosedLoopbackServer(), RetryAttempts = 1 });

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        AssertFailedAt(job, ApiReachable,
            "The API server is not reachable", "could not reach the API server", "Check the target's kubeconfig, context and network path");
        Assert.Empty(bed.Api.Requests);
    }

    [Fact]
    public async Task Kubeconfig_without_the_configured_context_should_fail_the_first_cluster_step_naming_the_context_but_not_the_file_contents()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { Context = "no-such-context" });

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        var message = AssertFailedAt(job, ApiReachable, $"could not be loaded", bed.KubeconfigPath, "has context 'no-such-context'");
        Assert.DoesNotContain(bed.Api.Token, message);
        Assert.Empty(bed.Api.Requests);
    }

    [Fact]
    public async Task Operator_crd_missing_and_no_operator_manifest_should_fail_saying_to_configure_the_manifest()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.OperatorInstalled = false);

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        AssertFailedAt(job, OperatorCrd, "CRD installations.operator.tigera.io missing", "set Provisioning:OperatorManifest", "or install the operator first");
        var read = Assert.Single(bed.Api.Requests, r => r.Path == FakeKubeApi.TigeraCrdPath);
        Assert.Equal(("GET", 404), (read.Method, read.Status));
        AssertNothingWritten(bed);
    }

    [Theory]
    [InlineData(NetworkBackend.Calico, "kube-flannel", "kube-flannel-ds", "flannel")]
    [InlineData(NetworkBackend.Calico, "kube-system", "cilium", "cilium")]
    [InlineData(NetworkBackend.Flannel, "calico-system", "calico-node", "calico-node")]
    public async Task Another_cni_daemon_set_should_fail_naming_it_and_saying_to_remove_it(NetworkBackend backend, string ns, string daemonSet, string rival)
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
        {
            api.FlannelInstalled = backend == NetworkBackend.Flannel;
            api.AddDaemonSet(ns, daemonSet);
        });

        var job = await bed.RunAsync(backend == NetworkBackend.Calico ? KubeTestBed.CalicoDraft() : KubeTestBed.FlannelOnAzureDraft());

        AssertFailedAt(job, NoOtherCni, $"DaemonSet {ns}/{daemonSet} ({rival})", "remove it first");
        Assert.Contains(bed.Api.Requests, r => r is { Method: "GET", Path: "/apis/apps/v1/daemonsets", Status: 200 });
        AssertNothingWritten(bed);
    }

    [Fact]
    public async Task More_nodes_than_the_block_size_allows_should_fail_saying_to_choose_a_larger_block_size_or_cidr()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
            api.SetNodes("10.20.0.0/26", "10.20.0.64/26", "10.20.0.128/26", "10.20.0.192/26", null));

        // a /24 of /26 blocks: 4 nodes; the wizard planned 3, the cluster has 5
        var job = await bed.RunAsync(KubeTestBed.CalicoDraft(d => d.ContainersCidr = "10.20.0.0/24"));

        AssertFailedAt(job, NodesFit, "The cluster has 5 nodes but block size 26 in 10.20.0.0/24 allows 4", "choose a larger block size or Containers CIDR");
        AssertNothingWritten(bed);
    }

    [Fact]
    public async Task Kubeadm_pod_subnet_not_containing_the_containers_cidr_should_fail_saying_which_subnet_to_stay_in()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.SetKubeadmPodSubnet("10.244.0.0/16"));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        AssertFailedAt(job, PodCidr, "kubeadm podSubnet 10.244.0.0/16", "does not contain the Containers CIDR 10.20.0.0/16", "Use a Containers CIDR inside it");
        AssertNothingWritten(bed);
    }

    [Theory]
    [InlineData("alias bomb")]
    [InlineData("not kubeadm's YAML")]
    [InlineData("a podSubnet that is not a CIDR")]
    public async Task A_kubeadm_config_the_wizard_cannot_read_safely_falls_back_to_the_node_pod_cidrs(string what)
    {
        var clusterConfiguration = what switch
        {
            "alias bomb" => HostileYaml.AliasBomb(9),
            "not kubeadm's YAML" => "networking: [unclosed",
            _ => "networking:\n  podSubnet: 10.20.0.0/16,not-a-cidr\n",
        };
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.Put(FakeKubeApi.KubeadmConfigPath, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["data"] = new JsonObject { ["ClusterConfiguration"] = clusterConfiguration },
        }));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.StartsWith("node pod CIDRs 10.20.0.0/24, 10.20.1.0/24, 10.20.2.0/24 lie in 10.20.0.0/16", job.Steps.Single(s => s.Name == PodCidr).Message);
    }

    [Fact]
    public async Task Kubeadm_pod_subnet_containing_the_containers_cidr_should_pass_also_for_flannel()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
        {
            api.FlannelInstalled = true;
            api.SetKubeadmPodSubnet("10.0.0.0/8,fd00:10:20::/56");
        });

        var job = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        Assert.Equal("kubeadm podSubnet 10.0.0.0/8,fd00:10:20::/56 contains 10.20.0.0/16", job.Steps.Single(s => s.Name == PodCidr).Message);
    }

    [Fact]
    public async Task No_kubeadm_config_and_node_pod_cidrs_outside_the_containers_cidr_should_fail()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
        {
            api.SetKubeadmPodSubnet(null);
            api.SetNodes("10.244.0.0/24", "10.244.1.0/24");
        });

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        AssertFailedAt(job, PodCidr, "Node pod CIDRs 10.244.0.0/24, 10.244.1.0/24 lie outside the Containers CIDR 10.20.0.0/16");
        Assert.Single(bed.Api.Requests, r => r.Path == FakeKubeApi.KubeadmConfigPath && r.Status == 404);
        AssertNothingWritten(bed);
    }

    [Theory]
    [InlineData("patch", "installations", "may not patch installations.operator.tigera.io")]
    [InlineData("watch", "tigerastatuses", "may not watch tigerastatuses.operator.tigera.io")]
    public async Task A_denied_self_subject_access_review_should_fail_naming_what_to_grant(string verb, string resource, string phrase)
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.Deny(verb, resource));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        var message = AssertFailedAt(job, Permissions, phrase, "grant these");
        Assert.DoesNotContain(verb == "patch" ? "watch" : "patch ", message);
        // it asked the API server about exactly what it is going to do
        var asked = bed.Api.Requests.Where(r => r.Path == FakeKubeApi.AccessReviewsPath)
            .Select(r => JsonNode.Parse(r.Body)!["spec"]!["resourceAttributes"]!)
            .Select(a => $"{a["verb"]} {a["group"]} {a["resource"]} {a["namespace"]}".TrimEnd());
        Assert.Equal(["patch operator.tigera.io installations", "watch operator.tigera.io tigerastatuses"], asked.Order());
        AssertNothingWritten(bed);
    }

    [Fact]
    public async Task Flannel_without_permission_to_patch_config_maps_should_fail_naming_the_namespace()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api =>
        {
            api.FlannelInstalled = true;
            api.Deny("patch", "configmaps");
        });

        var job = await bed.RunAsync(KubeTestBed.FlannelOnAzureDraft());

        AssertFailedAt(job, Permissions, "may not patch configmaps in kube-flannel");
        AssertNothingWritten(bed);
    }

    [Fact]
    public async Task Operator_manifest_objects_the_identity_may_not_patch_should_fail_the_permissions_preflight_before_anything_is_applied()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { OperatorManifestYaml = KubernetesTargetTests.OperatorManifest }, api =>
        {
            api.OperatorInstalled = false;
            api.Deny("patch", "customresourcedefinitions");
        });

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        AssertFailedAt(job, Permissions, "may not patch customresourcedefinitions.apiextensions.k8s.io");
        AssertNothingWritten(bed);
    }

    [Fact]
    public async Task A_forbidden_preflight_read_should_fail_with_an_actionable_message_without_the_raw_response()
    {
        await using var bed = await KubeTestBed.StartAsync(arrange: api => api.FailNext("GET", "/apis/apps/v1/daemonsets", 1, HttpStatusCode.Forbidden));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        var message = AssertFailedAt(job, NoOtherCni, "403");
        Assert.DoesNotContain("response body", message);
        Assert.DoesNotContain("Operation returned an invalid status code", message);
        AssertNothingWritten(bed);
    }
}

using System.Net;
using System.Net.Sockets;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Store;
using k8s;
using k8s.Autorest;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>A [Fact] that runs only when <c>CALICO_WIZARD_KUBECONFIG</c> names a kubeconfig; otherwise a visible skip saying how to run it.</summary>
public sealed class RealClusterFactAttribute : FactAttribute
{
    public const string KubeconfigVariable = "CALICO_WIZARD_KUBECONFIG";
    public const string ContextVariable = "CALICO_WIZARD_KUBECONTEXT";
    /// <summary>Optional: tigera-operator.yaml, for a cluster without the Tigera operator.</summary>
    public const string OperatorManifestVariable = "CALICO_WIZARD_OPERATOR_MANIFEST";

    public RealClusterFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(KubeconfigVariable)))
            Skip = "Set CALICO_WIZARD_KUBECONFIG to a kubeconfig of a disposable cluster (kind/k3s without a CNI) to run this";
    }
}

/// <summary>
/// The Calico job against a real, disposable cluster: CALICO_WIZARD_KUBECONFIG (required), CALICO_WIZARD_KUBECONTEXT
/// (optional, else the kubeconfig's current context), CALICO_WIZARD_OPERATOR_MANIFEST (optional, tigera-operator.yaml
/// when the operator is not installed). The Containers CIDR is taken from the cluster (kubeadm podSubnet or node
/// pod CIDRs) so the pod-CIDR preflight passes on kind (10.244.0.0/16) and k3s (10.42.0.0/16) alike.
/// </summary>
public sealed class RealClusterTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(12);

    [RealClusterFact]
    public async Task Calico_on_a_disposable_cluster_should_succeed()
    {
        var kubeconfig = Environment.GetEnvironmentVariable(RealClusterFactAttribute.KubeconfigVariable)!;
        var context = Environment.GetEnvironmentVariable(RealClusterFactAttribute.ContextVariable) is { Length: > 0 } c ? c : null;
        var manifest = Environment.GetEnvironmentVariable(RealClusterFactAttribute.OperatorManifestVariable) is { Length: > 0 } m ? m : null;
        var (containers, nodes) = await ClusterPodNetworkAsync(kubeconfig, context);

        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions
        {
            Kubeconfig = kubeconfig,
            Context = context,
            OperatorManifestPath = manifest,
            ReadinessTimeout = TimeSpan.FromMinutes(10),
            CrdEstablishedTimeout = TimeSpan.FromMinutes(2),
            RetryAttempts = 5,
            RetryBaseDelay = TimeSpan.FromMilliseconds(500),
            RetryMaxDelay = TimeSpan.FromSeconds(30),
        });
        var submitted = await bed.SubmitAsync(KubeTestBed.CalicoDraft(d =>
        {
            d.Name = "calico-wizard-e2e";
            d.ContainersCidr = containers.ToString();
            d.ServicesCidr = new[] { "10.96.0.0/12", "172.30.0.0/16", "192.168.240.0/20" }
                .First(s => !StrictCidr.Overlap(IPNetwork.Parse(s), containers));
            d.PlannedNodes = Math.Max(1, nodes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }));

        var deadline = DateTime.UtcNow + JobTimeout;
        ProvisioningJob job;
        while (true)
        {
            job = (await bed.Fixture.LoadJobAsync(submitted.Id))!;
            if (job.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled || DateTime.UtcNow > deadline) break;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.True(job.State == JobState.Succeeded,
            $"{job.State}: {job.Error}\n{string.Join("\n", job.Log.Select(l => l.Message))}");
        Assert.All(job.Steps, s => Assert.Contains(s.State, new[] { StepState.Succeeded, StepState.Skipped }));
    }

    /// <summary>The IPv4 pod network the cluster was set up with: kubeadm's podSubnet, else the /16 around the first node's pod CIDR.</summary>
    private static async Task<(IPNetwork Containers, int Nodes)> ClusterPodNetworkAsync(string kubeconfig, string? context)
    {
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context));
        var nodes = await client.CoreV1.ListNodeAsync();
        try
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync("kubeadm-config", "kube-system");
            if (map.Data?.TryGetValue("ClusterConfiguration", out var yaml) == true
                && new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<string, object>>(yaml)?.GetValueOrDefault("networking")
                    is Dictionary<object, object> networking
                && networking.GetValueOrDefault("podSubnet") is string subnets
                && subnets.Split(',', StringSplitOptions.TrimEntries).Select(s => (IPNetwork?)IPNetwork.Parse(s))
                    .FirstOrDefault(n => n!.Value.BaseAddress.AddressFamily == AddressFamily.InterNetwork) is { } v4)
                return (v4, nodes.Items.Count);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            // not kubeadm (k3s): fall back to the nodes
        }
        var podCidr = nodes.Items.Select(n => n.Spec?.PodCIDR)
            .FirstOrDefault(p => p is not null && IPNetwork.Parse(p).BaseAddress.AddressFamily == AddressFamily.InterNetwork);
        if (podCidr is null) return (IPNetwork.Parse("10.244.0.0/16"), nodes.Items.Count);
        var bytes = IPNetwork.Parse(podCidr).BaseAddress.GetAddressBytes();
        return (new IPNetwork(new IPAddress([bytes[0], bytes[1], 0, 0]), 16), nodes.Items.Count);
    }
}

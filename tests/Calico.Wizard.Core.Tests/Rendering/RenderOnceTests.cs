using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Rendering;
using k8s;

namespace Calico.Wizard.Core.Tests.Rendering;

/// <summary>Rendered once at submit: the stored manifest, read back, is exactly the objects that were rendered.</summary>
public sealed class RenderOnceTests
{
    public static TheoryData<string> Clusters() => new() { "calico-ipv4", "calico-ipv6-skip", "flannel", "calico-with-policies" };

    private static async Task<ClusterSpec> SpecAsync(string name)
    {
        var draft = name switch
        {
            "calico-ipv6-skip" => TestDrafts.ValidIPv6(d => d.NodeAddressDetection = NodeAddressDetection.SkipInterface, d => d.NodeAddressDetectionValue = "docker.*,cali.*"),
            "flannel" => TestDrafts.Valid(d => d.Backend = NetworkBackend.Flannel),
            "calico-with-policies" => TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.All[0].Yaml, PolicyStarters.All[1].Yaml]),
            _ => TestDrafts.Valid(),
        };
        return (await draft.CheckAsync()).Spec!;
    }

    [Theory]
    [MemberData(nameof(Clusters))]
    public async Task The_stored_manifest_reads_back_as_the_same_objects(string cluster)
    {
        var rendered = ManifestRenderer.Render(await SpecAsync(cluster));

        var parsed = ManifestRenderer.Parse(ManifestRenderer.ToYaml(rendered));

        Assert.Equal(rendered.Select(o => (o.ApiVersion, o.Kind, o.Namespace, o.Name, o.Body.GetType())), parsed.Select(o => (o.ApiVersion, o.Kind, o.Namespace, o.Name, o.Body.GetType())));
        // what the applier sends, byte for byte
        Assert.Equal(rendered.Select(o => KubernetesJson.Serialize(o.Body)), parsed.Select(o => KubernetesJson.Serialize(o.Body)));
    }
}

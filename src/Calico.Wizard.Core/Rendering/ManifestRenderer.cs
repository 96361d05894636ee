using System.Text;
using System.Text.Json;
using Calico.Wizard.Core.Drafts;
using k8s;
using k8s.Models;

namespace Calico.Wizard.Core.Rendering;

/// <summary>One object to apply, in the order it must be applied.</summary>
public sealed record RenderedObject(string ApiVersion, string Kind, string? Namespace, string Name, object Body)
{
    public string Key => KeyOf(Kind, Namespace, Name);

    /// <summary>"Kind/name" or "Kind/namespace/name": how steps, logs and the applied-object record name an object.</summary>
    public static string KeyOf(string kind, string? ns, string name) => ns is null ? $"{kind}/{name}" : $"{kind}/{ns}/{name}";
}

/// <summary>Turns a spec into exactly the Kubernetes objects the provisioner applies, and their YAML.</summary>
public static class ManifestRenderer
{
    public const string FlannelNamespace = "kube-flannel", FlannelConfigMap = "kube-flannel-cfg";

    /// <summary>The CNI's objects first, then the network policies (applied once the CNI is ready).</summary>
    public static IReadOnlyList<RenderedObject> Render(ClusterSpec spec) => Render(spec, null);

    /// <param name="policies">The policies as the check that made the spec read them: each is written out from that reading instead of read again.</param>
    public static IReadOnlyList<RenderedObject> Render(ClusterSpec spec, Policies.PolicyMemo? policies) =>
    [
        spec.Backend switch
        {
            NetworkBackend.Calico => Installation(spec),
            NetworkBackend.Flannel => Flannel(spec),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Backend, "unknown backend"),
        },
        .. (spec.NetworkPolicies ?? []).Select(yaml => Policy(yaml, policies)),
    ];

    /// <summary>
    /// A spec's policy: the rules accepted the operator's text (at most 64 KB) and the spec holds it as written again
    /// by <see cref="Policies.PolicyText.ToYaml"/>, which may be longer (block style, indentation). It is read back
    /// without the operator's size gate: bounding it again would refuse a policy the rules passed.
    /// </summary>
    private static RenderedObject Policy(string yaml, Policies.PolicyMemo? policies)
    {
        var policy = policies?.Known(yaml)?.Parsed.Policy ?? Policies.PolicyText.ParseWritten(yaml);
        return new RenderedObject(Policies.PolicyText.ApiVersion, Policies.PolicyText.Kind, policy.Metadata.NamespaceProperty, policy.Metadata.Name, policy);
    }

    public static string ToYaml(IEnumerable<RenderedObject> objects)
    {
        var yaml = new StringBuilder();
        foreach (var o in objects)
        {
            if (yaml.Length > 0) yaml.Append("---\n");
            yaml.Append(KubernetesYaml.Serialize(o.Body).Replace("\r\n", "\n"));
            if (yaml[^1] != '\n') yaml.Append('\n');
        }
        return yaml.ToString();
    }

    public static string ToYaml(ClusterSpec spec) => ToYaml(Render(spec));

    /// <summary>
    /// The spec's manifests, read back with <see cref="Parse"/> exactly as the job's worker will read them: the YAML,
    /// or why the worker could not read it (<see cref="Resources.Messages.ManifestUnreadable"/>).
    /// </summary>
    public static (string? Yaml, string? Problem) RenderReadable(ClusterSpec spec, Policies.PolicyMemo? policies = null)
    {
        try
        {
            // writing the manifests reads a spec's policies too (a stored spec is read without the operator's gate):
            // whatever that meets is a problem to show on Review or answer with a 422, never an exception in a render
            var yaml = ToYaml(Render(spec, policies));
            Parse(yaml);
            return (yaml, null);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
        {
            var reason = e is InvalidOperationException ? "a flow collection ({ … } or [ … ]) is never closed" : e.Message.TrimEnd('.');
            return (null, Resources.Text.Format(Resources.Messages.ManifestUnreadable, reason));
        }
    }

    private static readonly Dictionary<string, Type> KindsWeRender = new() { [$"{Tigera.ApiVersion}/{Tigera.InstallationKind}"] = typeof(TigeraInstallation) };

    /// <summary>
    /// The objects of a manifest <see cref="ToYaml(IEnumerable{RenderedObject})"/> wrote (rendered once, at submit, and stored),
    /// typed again for the applier: what is applied is exactly what was shown. Each document is read on its own:
    /// KubernetesYaml stops a stream at 100,000 parsing events (YamlDotNet's guard against huge documents), which a draft's
    /// policies together may pass while each alone stays far below it (a policy of 64 KB has fewer than 40,000).
    /// The submission reads every manifest with this before it stores the job, so a job never holds one its
    /// worker cannot read.
    /// </summary>
    /// <exception cref="YamlDotNet.Core.YamlException">A document the reader refuses (the message says why).</exception>
    public static IReadOnlyList<RenderedObject> Parse(string yaml)
    {
        try
        {
            return Documents(yaml).SelectMany(document => KubernetesYaml.LoadAllFromString(document, KindsWeRender))
                .Select(o => o is IKubernetesObject<V1ObjectMeta> k
                    ? new RenderedObject(k.ApiVersion, k.Kind, k.Metadata.NamespaceProperty, k.Metadata.Name, o)
                    : throw new YamlDotNet.Core.YamlException("a document holds something other than a Kubernetes object")).ToArray();
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this, not a YamlException, when the text ends inside a flow { … } or [ … ]
            throw new YamlDotNet.Core.YamlException("a flow collection ({ … } or [ … ]) is never closed", e);
        }
    }

    /// <summary>The stream's documents as text, cut where YAML's own parser finds each one starting.</summary>
    private static IEnumerable<string> Documents(string yaml)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        var starts = new List<int>();
        while (parser.MoveNext())
            if (parser.Current is YamlDotNet.Core.Events.DocumentStart start) starts.Add((int)start.Start.Index);
        for (var i = 0; i < starts.Count; i++)
            yield return yaml[starts[i]..(i + 1 < starts.Count ? starts[i + 1] : yaml.Length)];
    }

    private static RenderedObject Installation(ClusterSpec spec)
    {
        var calico = spec.Calico ?? throw new ArgumentException("a Calico spec needs Calico options", nameof(spec));
        var v6Only = spec.NetworkStack == NetworkStack.IPv6;
        var pools = new List<IpPoolSpec>();
        if (!v6Only)
            pools.Add(new IpPoolSpec
            {
                Name = "default-ipv4-ippool", Cidr = spec.ContainersCidr.ToString(), BlockSize = calico.BlockSize, Encapsulation = calico.Encapsulation,
            });
        if ((v6Only ? spec.ContainersCidr : spec.ContainersCidrV6) is { } v6Cidr)
            pools.Add(new IpPoolSpec
            {
                Name = "default-ipv6-ippool",
                Cidr = v6Cidr.ToString(),
                BlockSize = v6Only
                    ? calico.BlockSize
                    : calico.BlockSizeV6 ?? throw new ArgumentException("a dual-stack spec needs the IPv6 block size", nameof(spec)),
                Encapsulation = Encapsulations.OfIPv6Pool(calico.Overlay, calico.EncapsulationMode),
            });
        var installation = new TigeraInstallation
        {
            Spec = new InstallationSpec
            {
                CalicoNetwork = new CalicoNetworkSpec
                {
                    Bgp = calico.Bgp ? "Enabled" : "Disabled",
                    Mtu = calico.Mtu,
                    LinuxDataplane = calico.Dataplane switch
                    {
                        Dataplane.Nftables => "Nftables",
                        Dataplane.Bpf => "BPF",
                        _ => null, // PMK's Installation, unchanged: the operator's default is Iptables
                    },
                    // BPF replaces kube-proxy: the operator disables it and bootstraps the API server's address itself
                    BpfNetworkBootstrap = calico.Dataplane == Dataplane.Bpf ? "Enabled" : null,
                    KubeProxyManagement = calico.Dataplane == Dataplane.Bpf ? "Enabled" : null,
                    IpPools = pools,
                },
            },
        };
        var network = installation.Spec.CalicoNetwork;
        var primary = Detection(calico.NodeAddressDetection, calico.NodeAddressDetectionValue);
        if (v6Only) network.NodeAddressAutodetectionV6 = primary;
        else network.NodeAddressAutodetectionV4 = primary;
        if (spec.NetworkStack == NetworkStack.DualStack)
            network.NodeAddressAutodetectionV6 = Detection(calico.NodeAddressDetectionV6, calico.NodeAddressDetectionValueV6);
        foreach (var field in DraftFields.All) field.Render?.Invoke(calico, network); // the settings each field's description writes itself
        return new RenderedObject(installation.ApiVersion, installation.Kind, null, "default", installation);
    }

    private static NodeAddressAutodetection Detection(NodeAddressDetection method, string? value) => method switch
    {
        NodeAddressDetection.CanReach => new NodeAddressAutodetection { CanReach = value },
        NodeAddressDetection.Interface => new NodeAddressAutodetection { Interface = value },
        NodeAddressDetection.SkipInterface => new NodeAddressAutodetection { SkipInterface = value },
        NodeAddressDetection.Kubernetes => new NodeAddressAutodetection { Kubernetes = "NodeInternalIP" },
        NodeAddressDetection.Cidrs => new NodeAddressAutodetection { Cidrs = [.. Rules.NodeAddressDetectionRule.CidrsOf(value ?? "")] },
        _ => new NodeAddressAutodetection { FirstFound = true },
    };

    private static RenderedObject Flannel(ClusterSpec spec)
    {
        // Flannel reads its pod network from net-conf.json in this ConfigMap.
        object netConf = spec.NetworkStack switch
        {
            NetworkStack.IPv6 => new { EnableIPv4 = false, EnableIPv6 = true, IPv6Network = spec.ContainersCidr.ToString(), Backend = new { Type = "vxlan" } },
            NetworkStack.DualStack => new
            {
                Network = spec.ContainersCidr.ToString(),
                EnableIPv6 = true,
                IPv6Network = spec.ContainersCidrV6?.ToString()
                    ?? throw new ArgumentException("a dual-stack spec needs the IPv6 Containers CIDR", nameof(spec)),
                Backend = new { Type = "vxlan" },
            },
            _ => new { Network = spec.ContainersCidr.ToString(), Backend = new { Type = "vxlan" } },
        };
        var configMap = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta
            {
                Name = FlannelConfigMap,
                NamespaceProperty = FlannelNamespace,
                Labels = new Dictionary<string, string> { ["app"] = "flannel", ["tier"] = "node" },
            },
            Data = new Dictionary<string, string>
            {
                ["net-conf.json"] = JsonSerializer.Serialize(netConf, new JsonSerializerOptions { WriteIndented = true }) + "\n",
            },
        };
        return new RenderedObject("v1", "ConfigMap", FlannelNamespace, FlannelConfigMap, configMap);
    }
}

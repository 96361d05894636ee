using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Features.Shared;

/// <summary>The labels the wizard shows (PMK's), by draft property: one list for pages, the API and the review.</summary>
public static class Labels
{
    private static readonly Dictionary<string, string> ByProperty = new()
    {
        [nameof(ClusterDraft.Name)] = "Cluster name",
        [nameof(ClusterDraft.Provider)] = "Provider",
        [nameof(ClusterDraft.MachineKind)] = "Machines",
        [nameof(ClusterDraft.L2Network)] = "L2 network",
        [nameof(ClusterDraft.PlannedNodes)] = "Planned nodes",
        [nameof(ClusterDraft.Target)] = "Deploy to",
        [nameof(ClusterDraft.NetworkStack)] = "Network stack",
        [nameof(ClusterDraft.ContainersCidr)] = "Containers CIDR",
        [nameof(ClusterDraft.ServicesCidr)] = "Services CIDR",
        [nameof(ClusterDraft.Backend)] = "Network backend",
        [nameof(ClusterDraft.IpInIpMode)] = "IP in IP Encapsulation Mode",
        [nameof(ClusterDraft.NatOutgoing)] = "NAT Outgoing",
        [nameof(ClusterDraft.BlockSize)] = "Block Size",
        [nameof(ClusterDraft.Mtu)] = "MTU Size",
        [nameof(ClusterDraft.UnderlayMtu)] = "Node network MTU",
        [nameof(ClusterDraft.InterfaceDetection)] = "Interface Detection Method",
        [nameof(ClusterDraft.InterfaceDetectionValue)] = "Interface Detection Method",
    };

    public static string For(string property) => ByProperty.GetValueOrDefault(property, property);
}

using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Rules;

/// <summary>The nodes' own subnets (Advanced): each strict, of the cluster's family, and clear of the pod and service ranges.</summary>
public static class NodeNetworkRule
{
    /// <summary>The listed subnets, or the first reason they cannot be read (null list when there is none to read).</summary>
    public static (IReadOnlyList<IPNetwork> Networks, string? Error) Parse(string? value, NetworkStack stack)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0) return ([], null);
        var items = text.Split(',');
        if (items.Length > Input.InputLimits.MaxNodeNetworks)
            return ([], Text.Format(Messages.NodeNetworksTooMany, Input.InputLimits.MaxNodeNetworks, items.Length));
        var networks = new List<IPNetwork>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i].Trim();
            if (item.Length == 0) return ([], Text.Format(Messages.ListItemEmpty, i + 1));
            var parsed = StrictCidr.Parse(item, stack == NetworkStack.DualStack ? StrictCidr.FamilyOf(item) : stack); // dual-stack nodes have both
            if (!parsed.Ok) return ([], items.Length == 1 ? parsed.Error : Text.Format(Messages.ListItemError, i + 1, item, parsed.Error));
            networks.Add(parsed.Value);
        }
        return (networks, null);
    }

    /// <summary>
    /// The node subnet <paramref name="range"/> (the pods' or the services') overlaps, named for the operator, or null
    /// when it is clear of all.
    /// </summary>
    public static string? Clash(ClusterDraft draft, IPNetwork range, Addresses.RangeKind what)
    {
        var (networks, error) = Parse(draft.NodeNetworks, draft.NetworkStack);
        if (error is not null) return null; // the node network's own field says what is wrong with it
        foreach (var node in networks)
            if (StrictCidr.Overlap(node, range))
                return Text.Format(what == Addresses.RangeKind.Containers ? Messages.NodeNetworkClashPods : Messages.NodeNetworkClashServices, node);
        return null;
    }

    /// <summary>A "cidrs" detection must find each node's address inside the node network, when one is given.</summary>
    public static string? OutsideNodeNetwork(ClusterDraft draft, IPNetwork detection)
    {
        var (networks, error) = Parse(draft.NodeNetworks, draft.NetworkStack);
        var family = networks.Where(n => n.BaseAddress.AddressFamily == detection.BaseAddress.AddressFamily).ToList();
        if (error is not null || family.Count == 0 || family.Any(n => StrictCidr.Overlap(n, detection))) return null;
        return Text.Format(Messages.DetectionOutsideNodeNetwork, detection, string.Join(", ", family));
    }
}

namespace Calico.Wizard.Store;

/// <summary>
/// One address range a cluster holds on its L2 network (a pod or service range of either family; the pools to
/// come): the registry every overlap check, the address map and Suggest read, and the table the database keeps
/// free of overlaps. The seed's prerequisite — no two clusters on one L2 network share a range — is a constraint
/// of the store, not a lock in one process: PostgreSQL refuses an overlapping row with an exclusion constraint
/// (<c>inet &amp;&amp;</c> under GiST, scoped by provider and network), SQLite with a trigger that runs inside its
/// single writer. Rows are written once, with their cluster, and never changed.
/// </summary>
public sealed class ClusterRange
{
    public Guid ClusterId { get; set; }

    /// <summary>Which of the cluster's ranges: the draft field it came from (<c>ContainersCidr</c>, <c>ServicesCidrV6</c>, …).</summary>
    public string Kind { get; set; } = "";

    public string Provider { get; set; } = "";

    /// <summary><see cref="ClusterRecord.NetworkKey"/>: lower-cased and trimmed.</summary>
    public string NetworkKey { get; set; } = "";

    public string Cidr { get; set; } = "";

    /// <summary>First and last address as <see cref="Core.Addresses.AddressKey"/> (IPv4 mapped into IPv6): what the overlap queries seek on.</summary>
    public string First { get; set; } = "";
    public string Last { get; set; } = "";

    /// <summary>
    /// Whether the database keeps this range clear of every other exclusive range on the network: true for every
    /// cluster the wizard creates. False only for a range already clashing when it was first indexed (a store
    /// written before the constraint existed): still read by every check, so nothing new may overlap it either.
    /// </summary>
    public bool Exclusive { get; set; } = true;
}

public static class ClusterRanges
{
    /// <summary>The range rows of a cluster: one per range it holds, named by the draft field it came from.</summary>
    public static IEnumerable<ClusterRange> Of(ClusterRecord c)
    {
        (string Kind, string? Cidr)[] ranges =
        [
            (nameof(Core.Drafts.ClusterDraft.ContainersCidr), c.ContainersCidr), (nameof(Core.Drafts.ClusterDraft.ServicesCidr), c.ServicesCidr),
            (nameof(Core.Drafts.ClusterDraft.ContainersCidrV6), c.ContainersCidrV6), (nameof(Core.Drafts.ClusterDraft.ServicesCidrV6), c.ServicesCidrV6),
        ];
        foreach (var (kind, text) in ranges)
        {
            if (string.IsNullOrEmpty(text)) continue;
            var cidr = System.Net.IPNetwork.Parse(text);
            yield return new ClusterRange
            {
                ClusterId = c.Id, Kind = kind, Provider = c.Provider, NetworkKey = c.NetworkKey, Cidr = cidr.ToString(),
                First = Core.Addresses.AddressKey.First(cidr), Last = Core.Addresses.AddressKey.Last(cidr),
            };
        }
    }
}

using System.Net;

namespace Calico.Wizard.Core.Addresses;

/// <summary>
/// Address blocks a pod or service range must not touch (RFC 6890 and its IPv6 counterparts): packets to them
/// never leave the node, are not unicast, or are not routable at all.
/// </summary>
public static class SpecialRanges
{
    private static readonly (IPNetwork Range, string What)[] Blocks =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "\"this network\" (0.0.0.0/8), which hosts never route"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback (127.0.0.0/8): packets to it never leave the node"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (169.254.0.0/16), used by clouds' metadata services and never routed"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast (224.0.0.0/4), not unicast addresses"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved (240.0.0.0/4, with the broadcast address), which hosts refuse"),
        (IPNetwork.Parse("::/128"), "the unspecified address (::)"),
        (IPNetwork.Parse("::1/128"), "loopback (::1): packets to it never leave the node"),
        (IPNetwork.Parse("fe80::/10"), "link-local (fe80::/10), never routed"),
        (IPNetwork.Parse("ff00::/8"), "multicast (ff00::/8), not unicast addresses"),
    ];

    /// <returns>Why <paramref name="network"/> cannot hold pods or services, or null.</returns>
    public static string? Check(IPNetwork network, string example)
    {
        foreach (var (range, what) in Blocks)
            if (range.BaseAddress.AddressFamily == network.BaseAddress.AddressFamily && StrictCidr.Overlap(range, network))
                return $"{network} {(range.Contains(network.BaseAddress) && range.PrefixLength <= network.PrefixLength ? "is" : "includes")} {what}: choose a private range such as {example}.";
        return null;
    }
}

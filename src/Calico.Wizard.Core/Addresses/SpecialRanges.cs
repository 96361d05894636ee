using System.Net;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Addresses;

/// <summary>
/// Address blocks a pod or service range must not touch (RFC 6890 and its IPv6 counterparts): packets to them
/// never leave the node, are not unicast, or are not routable at all.
/// </summary>
public static class SpecialRanges
{
    // What each block is, read in the current UI culture when a message is written (never kept as text).
    private static readonly (IPNetwork Range, Func<string> What)[] Blocks =
    [
        (IPNetwork.Parse("0.0.0.0/8"), () => Messages.SpecialThisNetwork),
        (IPNetwork.Parse("127.0.0.0/8"), () => Messages.SpecialLoopbackIPv4),
        (IPNetwork.Parse("169.254.0.0/16"), () => Messages.SpecialLinkLocalIPv4),
        (IPNetwork.Parse("224.0.0.0/4"), () => Messages.SpecialMulticastIPv4),
        (IPNetwork.Parse("240.0.0.0/4"), () => Messages.SpecialReservedIPv4),
        (IPNetwork.Parse("::/128"), () => Messages.SpecialUnspecifiedIPv6),
        (IPNetwork.Parse("::1/128"), () => Messages.SpecialLoopbackIPv6),
        (IPNetwork.Parse("fe80::/10"), () => Messages.SpecialLinkLocalIPv6),
        (IPNetwork.Parse("ff00::/8"), () => Messages.SpecialMulticastIPv6),
    ];

    /// <returns>Why <paramref name="network"/> cannot hold pods or services, or null.</returns>
    public static string? Check(IPNetwork network, string example)
    {
        foreach (var (range, what) in Blocks)
            if (range.BaseAddress.AddressFamily == network.BaseAddress.AddressFamily && StrictCidr.Overlap(range, network))
                return Text.Format(
                    range.Contains(network.BaseAddress) && range.PrefixLength <= network.PrefixLength
                        ? Messages.SpecialRangeIs
                        : Messages.SpecialRangeIncludes,
                    network, what(), example);
        return null;
    }
}

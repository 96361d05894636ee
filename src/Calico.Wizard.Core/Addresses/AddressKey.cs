using System.Net;
using System.Net.Sockets;

namespace Calico.Wizard.Core.Addresses;

/// <summary>
/// Addresses as fixed-width lowercase hex (IPv4 mapped into IPv6), so a database orders and compares them as
/// text with a plain index. CIDRs are nested or disjoint, which makes overlap two index seeks (see
/// <see cref="ContainingStarts"/>).
/// </summary>
public static class AddressKey
{
    public static string Of(IPAddress address) =>
        Convert.ToHexStringLower((address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address).GetAddressBytes());

    public static string First(IPNetwork network) => Of(network.BaseAddress);

    public static string Last(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var hostBits = bytes.Length * 8 - network.PrefixLength;
        for (var i = bytes.Length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8)
            bytes[i] |= (byte)(hostBits >= 8 ? 0xFF : (1 << hostBits) - 1);
        return Of(new IPAddress(bytes));
    }

    /// <summary>
    /// The first addresses of every CIDR that could contain <paramref name="network"/>: its own base masked at each
    /// shorter-or-equal prefix. A registered range that contains it must start at one of these.
    /// </summary>
    public static IReadOnlyList<string> ContainingStarts(IPNetwork network) =>
        Enumerable.Range(0, network.PrefixLength + 1)
            .Select(prefix => First(IPNetwork.Parse($"{network.BaseAddress}/{prefix}")))
            .Distinct().ToArray();
}

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Addresses;

/// <summary>
/// CIDR and address parsing as strict as Kubernetes' KEP-4858 / Go's netip: System.Net accepts "127.1",
/// octal "010.0.0.0", zones and silently masks host bits, so the text is checked first and the library does
/// the arithmetic.
/// </summary>
public static partial class StrictCidr
{
    [GeneratedRegex(@"^(0|[1-9][0-9]{0,2})$")]
    private static partial Regex PrefixText();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){3}$")]
    private static partial Regex DottedQuad();

    public static Parsed<IPNetwork> Parse(string? text, NetworkStack stack)
    {
        var s = (text ?? "").Trim();
        if (s.Length == 0) return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrEmpty, Example(stack)));
        if (string.Equals(s, "suggest", StringComparison.OrdinalIgnoreCase))
            return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrSuggestWord, Example(stack)));
        if (s.Any(char.IsWhiteSpace)) return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrSpaces, Example(stack)));
        var slash = s.IndexOf('/');
        if (slash < 0)
        {
            // Only suggest "typed/prefix" when what was typed is an address; otherwise say what is wrong with it.
            var bare = ParseAddress(s, stack);
            return Parsed<IPNetwork>.Fail(bare.Ok
                ? Text.Format(Messages.CidrAddPrefix, s, s.Contains(':') ? 64 : 16)
                : Text.Format(Messages.CidrNotAddress, bare.Error, Example(stack)));
        }
        var addressText = s[..slash];
        var prefixText = s[(slash + 1)..];
        if (addressText.Length == 0) return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrAddressMissing, Example(stack)));
        if (prefixText.Length == 0) return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrPrefixMissing, addressText, addressText.Contains(':') ? 64 : 16));

        var address = ParseAddress(addressText, stack);
        if (!address.Ok) return Parsed<IPNetwork>.Fail(address.Error!);

        var maxPrefix = address.Value!.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (!PrefixText().IsMatch(prefixText))
            return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrPrefixNotNumber, maxPrefix));
        var prefix = int.Parse(prefixText);
        if (prefix > maxPrefix)
            return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrPrefixOutOfRange, prefix, Family(address.Value), maxPrefix));

        // IPNetwork.Parse masks host bits away without a word; comparing with what was typed finds them.
        var network = IPNetwork.Parse($"{address.Value}/{prefix}");
        if (!network.BaseAddress.Equals(address.Value))
            return Parsed<IPNetwork>.Fail(Text.Format(Messages.CidrHostBitsSet, network));
        return Parsed<IPNetwork>.Success(network);
    }

    /// <summary>A pod or service range: a strict CIDR that touches no special-purpose block (loopback, link-local, multicast, …).</summary>
    public static Parsed<IPNetwork> ParseRange(string? text, NetworkStack stack)
    {
        var parsed = Parse(text, stack);
        return parsed.Ok && SpecialRanges.Check(parsed.Value!, Example(stack)) is { } special ? Parsed<IPNetwork>.Fail(special) : parsed;
    }

    /// <summary>An IP address literal of the stack's family, written the strict way.</summary>
    public static Parsed<IPAddress> ParseAddress(string text, NetworkStack stack)
    {
        IPAddress? address;
        if (text.Contains(':'))
        {
            if (text.Contains('%')) return Parsed<IPAddress>.Fail(Messages.AddressZone);
            if (text.Contains('[') || text.Contains(']')) return Parsed<IPAddress>.Fail(Messages.AddressBrackets);
            if (!IPAddress.TryParse(text, out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                return Parsed<IPAddress>.Fail(Text.Format(Messages.AddressNotIPv6, text));
            if (address.IsIPv4MappedToIPv6)
                return Parsed<IPAddress>.Fail(Messages.AddressIPv4Mapped);
        }
        else
        {
            if (!DottedQuad().IsMatch(text))
                return Parsed<IPAddress>.Fail(Text.Format(Messages.AddressNotDottedQuad, text));
            var parts = text.Split('.');
            if (parts.Any(p => p.Length > 1 && p[0] == '0'))
                return Parsed<IPAddress>.Fail(Text.Format(Messages.AddressLeadingZeros, text));
            if (parts.FirstOrDefault(p => p.Length > 3 || int.Parse(p) > 255) is { } big)
                return Parsed<IPAddress>.Fail(Text.Format(Messages.AddressPartOutOfRange, big));
            address = IPAddress.Parse(text);
        }

        var wanted = stack == NetworkStack.IPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        if (address.AddressFamily != wanted)
            return Parsed<IPAddress>.Fail(stack == NetworkStack.DualStack
                ? Text.Format(Messages.AddressNotIPv4OnDualStack, Family(address))
                : Text.Format(Messages.AddressWrongFamily, Family(address), stack, Example(stack)));
        return Parsed<IPAddress>.Success(address);
    }

    /// <summary>Two CIDRs overlap when either contains the other.</summary>
    public static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    public static int AddressBits(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    public static string Example(NetworkStack stack) => stack == NetworkStack.IPv6 ? "fd00:10:20::/64" : "10.20.0.0/16";

    /// <summary>The family a CIDR or address is written in: an IPv6 one has a colon, an IPv4 one never does.</summary>
    public static NetworkStack FamilyOf(string? text) => text?.Contains(':') == true ? NetworkStack.IPv6 : NetworkStack.IPv4;

    private static string Family(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}

/// <summary>A parse result that carries the message an operator sees.</summary>
public readonly record struct Parsed<T>(bool Ok, T? Value, string? Error)
{
    public static Parsed<T> Success(T value) => new(true, value, null);
    public static Parsed<T> Fail(string error) => new(false, default, error);
}

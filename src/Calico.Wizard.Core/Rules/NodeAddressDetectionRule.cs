using System.Text.RegularExpressions;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Rules;

/// <summary>Calico's IP autodetection methods, judged the way calico-node would read them.</summary>
public static partial class NodeAddressDetectionRule
{
    /// <summary>Interface names an operator recognises, used to show what a pattern would pick.</summary>
    public static readonly IReadOnlyList<string> SampleInterfaces = ["eth0", "ens3", "enp6s0f0", "docker0", "cali0a1b", "tunl0", "lo"];

    [GeneratedRegex(@"^(?<host>[^:\[\]]+|\[[^\]]*\]):(?<port>[0-9]+)$")]
    private static partial Regex HostAndPort();

    [GeneratedRegex(@"^[0-9.]+$")]
    private static partial Regex DigitsAndDots();

    public static string? Check(NodeAddressDetection method, string? value, NetworkStack stack) => method switch
    {
        NodeAddressDetection.FirstFound => null,
        NodeAddressDetection.CanReach => CheckCanReach((value ?? "").Trim(), stack),
        NodeAddressDetection.Interface => GoRegex.Compile((value ?? "").Trim()).Error,
        NodeAddressDetection.SkipInterface => CheckSkipList((value ?? "").Trim()),
        NodeAddressDetection.Kubernetes => null,
        NodeAddressDetection.Cidrs => CheckCidrList((value ?? "").Trim(), stack),
        _ => Messages.ChooseDetectionMethod,
    };

    /// <summary>
    /// The method as calico-node reads it from IP_AUTODETECTION_METHOD / IP6_AUTODETECTION_METHOD ("can-reach=8.8.8.8",
    /// "kubernetes-internal-ip", "cidr=…"): how Review and the Network step show it.
    /// </summary>
    public static string Describe(NodeAddressDetection method, string? value) => method switch
    {
        NodeAddressDetection.CanReach => $"can-reach={(value ?? "").Trim()}",
        NodeAddressDetection.Interface => $"interface={(value ?? "").Trim()}",
        NodeAddressDetection.SkipInterface => $"skip-interface={(value ?? "").Trim()}",
        NodeAddressDetection.Kubernetes => "kubernetes-internal-ip",
        NodeAddressDetection.Cidrs => $"cidr={string.Join(",", CidrsOf(value ?? ""))}",
        _ => "first-found",
    };

    /// <summary>A draft's detection value for one family: the method's own check, then its place against the pod and service ranges.</summary>
    public static string? CheckFor(ClusterDraft draft, NodeAddressDetection method, string? value, NetworkStack family) =>
        Enum.IsDefined(method) ? Check(method, value, family) ?? CheckAgainstPodRanges(draft, method, value, family) : null;

    /// <summary>The CIDRs of a "cidrs" detection (assumed valid), in the form the Installation lists them.</summary>
    public static IReadOnlyList<string> CidrsOf(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string? CheckCidrList(string value, NetworkStack stack)
    {
        if (value.Length == 0) return Text.Format(Messages.DetectionCidrsEmpty, stack == NetworkStack.IPv6 ? "fd00:192:168::/64" : "192.168.0.0/24");
        var items = value.Split(',');
        if (items.Length > Input.InputLimits.MaxSkipPatterns)
            return Text.Format(Messages.DetectionCidrsTooMany, Input.InputLimits.MaxSkipPatterns, items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Trim().Length == 0) return Text.Format(Messages.ListItemEmpty, i + 1);
            if (StrictCidr.Parse(items[i].Trim(), stack).Error is { } error)
                return items.Length == 1 ? error : Text.Format(Messages.ListItemError, i + 1, items[i].Trim(), error);
        }
        return null;
    }

    /// <summary>
    /// A node's address is never a pod's or a service's: a detection CIDR, or a can-reach address, inside the
    /// Containers or Services CIDR would pick (or route to) the wrong interface. Null when it is clear of both.
    /// </summary>
    public static string? CheckAgainstPodRanges(ClusterDraft draft, NodeAddressDetection method, string? text, NetworkStack family)
    {
        var v6Fields = draft.IsDualStack && family == NetworkStack.IPv6;
        var ranges = new[]
            {
                (Name: RangeKind.Containers, v6Fields ? draft.ContainersCidrV6 : draft.ContainersCidr),
                (Name: RangeKind.Services, v6Fields ? draft.ServicesCidrV6 : draft.ServicesCidr),
            }
            .Select(r => (Name: r.Item1, Cidr: StrictCidr.Parse(r.Item2, family))).Where(r => r.Cidr.Ok).ToList();
        var value = (text ?? "").Trim();
        if (method == NodeAddressDetection.Cidrs)
        {
            foreach (var item in CidrsOf(value))
            {
                if (StrictCidr.Parse(item, family) is not { Ok: true } cidr) continue;
                if (ranges.FirstOrDefault(r => r.Cidr.Ok && StrictCidr.Overlap(r.Cidr.Value, cidr.Value)) is { Cidr.Ok: true } clash)
                    return Text.Format(clash.Name == RangeKind.Containers ? Messages.DetectionCidrInContainers : Messages.DetectionCidrInServices,
                        cidr.Value, clash.Cidr.Value);
                if (NodeNetworkRule.OutsideNodeNetwork(draft, cidr.Value) is { } outside) return outside;
            }
        }
        else if (method == NodeAddressDetection.CanReach && System.Net.IPAddress.TryParse(value, out var address)
            && ranges.FirstOrDefault(r => r.Cidr.Ok && r.Cidr.Value.Contains(address)) is { Cidr.Ok: true } inside)
        {
            return Text.Format(inside.Name == RangeKind.Containers ? Messages.CanReachInContainers : Messages.CanReachInServices,
                address, inside.Cidr.Value, family == NetworkStack.IPv6 ? "2001:4860:4860::8888" : "8.8.8.8");
        }
        return null;
    }

    private static string? CheckCanReach(string value, NetworkStack stack)
    {
        var example = stack == NetworkStack.IPv6 ? "2001:4860:4860::8888" : "8.8.8.8";
        if (value.Length == 0) return Text.Format(Messages.CanReachEmpty, example);
        if (value.Contains("://") || value.Contains('/'))
            return Messages.CanReachNotAddress;
        if (HostAndPort().Match(value) is { Success: true } hp)
            return Text.Format(Messages.CanReachPort, hp.Groups["port"].Value);
        if (value.Contains(':') || DigitsAndDots().IsMatch(value))
            return StrictCidr.ParseAddress(value, stack).Error; // calico-node dials "[<dest>]:80": brackets of its own would break it
        return HostName.CheckHostName(value);
    }

    private static string? CheckSkipList(string value)
    {
        if (value.Length == 0) return Messages.SkipInterfaceEmpty;
        var items = value.Split(',');
        if (items.Length > Input.InputLimits.MaxSkipPatterns)
            return Text.Format(Messages.SkipInterfaceTooMany, Input.InputLimits.MaxSkipPatterns, items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Trim().Length == 0)
                return Text.Format(Messages.ListItemEmpty, i + 1);
            if (GoRegex.Compile(items[i].Trim()).Error is { } error)
                return items.Length == 1 ? error : Text.Format(Messages.ListItemError, i + 1, items[i].Trim(), error);
        }
        return null;
    }

    /// <summary>For interface / skip-interface: which sample names the pattern(s) match, or null when not applicable or invalid.</summary>
    public static IReadOnlyList<string>? MatchingSamples(NodeAddressDetection method, string? value)
    {
        var patterns = method switch
        {
            NodeAddressDetection.Interface => [(value ?? "").Trim()],
            NodeAddressDetection.SkipInterface => (value ?? "").Split(',').Select(p => p.Trim()).ToArray(),
            _ => null,
        };
        if (patterns is null || patterns.Length > Input.InputLimits.MaxSkipPatterns) return null;
        var compiled = patterns.Select(GoRegex.Compile).ToArray();
        if (compiled.Any(c => c.Regex is null)) return null;
        return SampleInterfaces.Where(name => compiled.Any(c => c.Regex!.IsMatch(name))).ToArray();
    }
}

using System.Text.RegularExpressions;
using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Providers;

/// <summary>One row of the provider support matrix; bound from appsettings.json ("Providers").</summary>
public sealed class ProviderOption
{
    public string Name { get; set; } = "";
    public bool Calico { get; set; }
    /// <summary>Shown where Calico is not offered, so the operator knows why.</summary>
    public string? CalicoUnavailableReason { get; set; }
    public List<MachineKind> MachineKinds { get; set; } = [];
    public string NetworkLabel { get; set; } = "L2 network";
    public string NetworkHint { get; set; } = "";
    public string NetworkPattern { get; set; } = "^.+$";
    public string NetworkExample { get; set; } = "";
    /// <summary>
    /// The pool encapsulations Calico may use here (IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet, None); empty: all.
    /// E.g. an Azure VNet drops IP protocol 4 and routes only its own addresses: VXLAN, VXLANCrossSubnet.
    /// </summary>
    public List<string> Encapsulations { get; set; } = [];

    /// <summary>
    /// The address space suggested ranges come from, in order of preference (e.g. 10.0.0.0/8, 172.16.0.0/12,
    /// 100.64.0.0/10, fd00::/8); empty: <see cref="Addresses.PlanningOptions.DefaultSpaces"/>.
    /// </summary>
    public List<string> AddressSpaces { get; set; } = [];

    public bool Permits(string encapsulation) => Encapsulations.Count == 0 || Encapsulations.Contains(encapsulation);
}

public sealed class ProviderMatrix
{
    /// <summary>No provider names a network longer than this; longer text is refused before any pattern sees it.</summary>
    public const int MaxNetworkLength = 255;

    private readonly Dictionary<ProviderOption, Regex> networkPatterns;
    private readonly Dictionary<ProviderOption, IReadOnlyList<System.Net.IPNetwork>> spaces;

    public ProviderMatrix(IEnumerable<ProviderOption> providers)
    {
        Providers = providers.ToArray();
        // Compiled once, non-backtracking: linear in the (bounded) input, so no match timeout that a busy CPU could
        // hit; a pattern that engine cannot run is a configuration error found at start-up, not on a keystroke.
        foreach (var p in Providers)
            if (p.Encapsulations.FirstOrDefault(e => !Drafts.Encapsulations.All.Contains(e)) is { } unknown)
                throw new InvalidOperationException(
                    $"Providers: {p.Name} permits encapsulation '{unknown}', which is not one of {string.Join(", ", Drafts.Encapsulations.All)}.");
        spaces = Providers.ToDictionary(p => p, p =>
            (IReadOnlyList<System.Net.IPNetwork>)(p.AddressSpaces.Count > 0 ? p.AddressSpaces : Addresses.PlanningOptions.DefaultSpaces)
            .Select(text =>
            {
                var parsed = Addresses.StrictCidr.ParseRange(text, text.Contains(':') ? NetworkStack.IPv6 : NetworkStack.IPv4);
                return parsed.Ok ? parsed.Value : throw new InvalidOperationException($"Providers: the AddressSpaces of {p.Name} has '{text}': {parsed.Error}");
            }).ToArray());
        networkPatterns = Providers.ToDictionary(p => p, p =>
        {
            try { return new Regex(p.NetworkPattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw new InvalidOperationException($"Providers: the NetworkPattern of {p.Name} is not a usable regular expression: {e.Message}", e);
            }
        });
    }

    public IReadOnlyList<ProviderOption> Providers { get; }

    /// <summary>Whether <paramref name="network"/> is a valid network name for <paramref name="provider"/> (one of <see cref="Providers"/>).</summary>
    public bool IsNetworkName(ProviderOption provider, string network) =>
        network.Length <= MaxNetworkLength && networkPatterns[provider].IsMatch(network);

    /// <summary>Where suggested ranges of <paramref name="provider"/> come from, in order.</summary>
    public IReadOnlyList<System.Net.IPNetwork> AddressSpacesOf(ProviderOption provider) => spaces[provider];

    public ProviderOption? Find(string? name) =>
        Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    public IReadOnlyList<NetworkBackend> BackendsFor(string? provider) =>
        Find(provider) is { Calico: true } ? [NetworkBackend.Calico, NetworkBackend.Flannel] : [NetworkBackend.Flannel];

    /// <summary>The matrix the seed documents; the host reads the same from appsettings.json.</summary>
    public static ProviderMatrix Seed { get; } = new(
    [
        new() { Name = "BareOS", Calico = true, MachineKinds = [MachineKind.Physical, MachineKind.Virtual],
            NetworkLabel = "L2 network name", NetworkHint = "The network (L2 domain) the nodes share, as named in your datacenter.",
            NetworkPattern = "^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$", NetworkExample = "rack-a-vlan-120" },
        new() { Name = "AWS", Calico = true, MachineKinds = [MachineKind.Virtual],
            NetworkLabel = "VPC ID", NetworkHint = "The VPC the EC2 instances run in.",
            NetworkPattern = "^vpc-([0-9a-f]{8}|[0-9a-f]{17})$", NetworkExample = "vpc-0a1b2c3d4e5f67890" },
        new() { Name = "Azure", Calico = false, MachineKinds = [MachineKind.Virtual],
            CalicoUnavailableReason = "PMK supports Calico on BareOS and AWS only (provider support matrix); Azure clusters use Flannel.",
            NetworkLabel = "Virtual network name", NetworkHint = "The Azure virtual network the VMs share.",
            NetworkPattern = "^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9_])?$", NetworkExample = "prod-vnet" },
    ]);
}

using System.Net;
using Calico.Wizard.Core.Registry;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Tests.Policies;
using Calico.Wizard.Core.Tests.Rules;
using FluentValidation;

namespace Calico.Wizard.Core.Tests.Localization;

/// <summary>
/// "A rule message is not a resource" fails here: the bad-inputs corpus and the other rule tests' drafts (warnings too)
/// are checked in English and in German, and every German message must differ from its English counterpart (same
/// draft, same field, same place) — a literal English string left in the code reads the same in both and is named.
/// </summary>
public sealed class GermanMessagesTests
{
    private static readonly RegisteredCluster Taken = FakeClusterRegistry.Cluster("taken", "rack-1", "10.30.0.0/16", "10.31.0.0/16");
    private static readonly FakeClusterRegistry Registry = new(("BareOS", Taken));

    /// <summary>Every draft of the corpus, by a name that says where it comes from.</summary>
    private static IEnumerable<(string Name, Func<ClusterDraft> Draft)> Drafts()
    {
        // bad-inputs.md, through BadInputsTests' own rows
        foreach (var row in BadInputsTests.CidrRejects())
        {
            var (field, stack, value) = ((string)row[0], (NetworkStack)row[1], (string)row[2]);
            yield return ($"{field} {value} ({stack})", () => TestDrafts.On(stack, d => TestDrafts.Set(d, field, value)));
        }
        yield return ("services inside containers", () => TestDrafts.Valid(d => d.ServicesCidr = "10.20.128.0/20"));
        yield return ("containers inside services", () => TestDrafts.Valid(d => d.ContainersCidr = "10.8.0.0/16", d => d.ServicesCidr = "10.0.0.0/12"));
        foreach (var row in BadInputsTests.BlockSizeRejects())
        {
            var (stack, containers, value) = ((NetworkStack)row[0], (string)row[1], (string)row[2]);
            yield return ($"block size {value} in {containers}", () => TestDrafts.On(stack, d => d.ContainersCidr = containers, d => d.BlockSize = value));
        }
        yield return ("100 nodes in /16 blocks of /22", () => TestDrafts.Valid(d => d.PlannedNodes = "100", d => d.BlockSize = "22"));
        yield return ("5000 nodes in a /16 (no block fits)", () => TestDrafts.Valid(d => d.PlannedNodes = "5000", d => d.BlockSize = "31", d => d.ContainersCidr = "10.20.0.0/20"));
        foreach (var row in BadInputsTests.MtuRejects())
        {
            var (stack, value) = ((NetworkStack)row[0], (string)row[1]);
            yield return ($"MTU {value} ({stack})", () => TestDrafts.On(stack, d => d.Mtu = value));
        }
        foreach (var row in BadInputsTests.CanReachRejects())
        {
            var (stack, value) = ((NetworkStack)row[0], (string)row[1]);
            yield return ($"can-reach {value}", () => TestDrafts.On(stack, d => { d.NodeAddressDetection = NodeAddressDetection.CanReach; d.NodeAddressDetectionValue = value; }));
        }
        foreach (var row in BadInputsTests.PatternRejects())
        {
            var (method, pattern) = ((NodeAddressDetection)row[0], (string)row[1]);
            yield return ($"{method} {pattern}", () => TestDrafts.Valid(d => { d.NodeAddressDetection = method; d.NodeAddressDetectionValue = pattern; }));
        }
        foreach (var row in BadInputsTests.NameRejects())
        {
            var name = (string)row[0];
            yield return ($"name {name}", () => TestDrafts.Valid(d => d.Name = name));
        }
        yield return ("a forged Azure + Calico", () => TestDrafts.Valid(d => d.Provider = "Azure", d => d.L2Network = "prod-vnet", d => d.Backend = NetworkBackend.Calico));
        yield return ("provider GCP", () => TestDrafts.Valid(d => d.Provider = "GCP"));

        // the other rule tests' refusals
        foreach (var (name, row) in AdvancedRulesTests.Refusals)
            yield return ($"advanced: {name}", () => row.IPv6 ? TestDrafts.ValidIPv6(row.Change) : TestDrafts.Valid(row.Change));
        foreach (var (name, row) in DualStackTests.Refusals)
            yield return ($"dual-stack: {name}", () => TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), row.Change));
        foreach (var (name, row) in NetworkPolicyRulesTests.BadCases)
            yield return ($"policy: {name}", () => TestDrafts.On(row.Stack, d => d.NetworkPolicies = [row.Yaml]));
        foreach (var (name, row) in PolicyTextTests.BadTexts)
            yield return ($"policy text: {name}", () => TestDrafts.Valid(d => d.NetworkPolicies = [row.Yaml!]));

        // warnings: every one the rules give
        yield return ("AWS IP-in-IP", () => TestDrafts.Valid(d => d.Provider = "AWS", d => d.L2Network = "vpc-0a1b2c3d4e5f67890"));
        yield return ("AWS VXLAN", () => TestDrafts.Valid(d => d.Provider = "AWS", d => d.L2Network = "vpc-0a1b2c3d4e5f67890", d => d.ChangeOverlay(Overlay.Vxlan)));
        yield return ("VXLAN on BareOS without BGP", () => TestDrafts.Valid(d => d.ChangeOverlay(Overlay.Vxlan), d => d.Bgp = false, d => d.Mtu = "1480"));
        yield return ("VXLAN over IPv6", () => TestDrafts.ValidIPv6(d => d.ChangeOverlay(Overlay.Vxlan), d => d.ChangeEncapsulationMode(EncapsulationMode.Always), d => d.Mtu = "1450"));
        yield return ("eBPF", () => TestDrafts.Valid(d => d.Dataplane = Dataplane.Bpf));
        yield return ("nftables", () => TestDrafts.Valid(d => d.Dataplane = Dataplane.Nftables));
        yield return ("IP-in-IP with MTU 1500 on a 1500-byte underlay", () => TestDrafts.Valid(d => d.Mtu = "1500", d => d.NodeNetworkMtu = "1500"));
        yield return ("MTU 9000 on a 1500-byte underlay, unencapsulated", () => TestDrafts.Valid(d => d.ChangeEncapsulationMode(EncapsulationMode.Never), d => d.Mtu = "9000"));
        yield return ("dual-stack IP-in-IP", () => TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack)));
        yield return ("a policy's hints and other-family block", () => TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.DefaultDenyIngress,
            PolicyKit.Policy("podSelector: {matchLabels: {role: db}}", "policyTypes: [Ingress, Egress]", "ingress:", "- from: [{ipBlock: {cidr: 'fd00::/64'}}]")]));

        // the rest of the validator, one refusal each
        yield return ("a taken name", () => TestDrafts.Valid(d => d.Name = "taken"));
        yield return ("a range of a registered cluster", () => TestDrafts.Valid(d => d.L2Network = "rack-1", d => d.ContainersCidr = "10.30.0.0/16"));
        yield return ("AWS physical machines", () => TestDrafts.Valid(d => d.Provider = "AWS", d => d.L2Network = "vpc-0a1b2c3d4e5f67890", d => d.MachineKind = MachineKind.Physical));
        yield return ("no L2 network", () => TestDrafts.Valid(d => d.L2Network = ""));
        yield return ("a bad VPC ID", () => TestDrafts.Valid(d => d.Provider = "AWS", d => d.L2Network = "vpc-1"));
        yield return ("planned nodes 0", () => TestDrafts.Valid(d => d.PlannedNodes = "0"));
        yield return ("planned nodes abc", () => TestDrafts.Valid(d => d.PlannedNodes = "abc"));
        yield return ("unknown choices", () => TestDrafts.Valid(d => d.MachineKind = (MachineKind)7, d => d.NetworkStack = (NetworkStack)9,
            d => d.Backend = (NetworkBackend)7));
        yield return ("unknown Calico choices", () => TestDrafts.Valid(d => d.EncapsulationMode = (EncapsulationMode)9, d => d.Overlay = (Overlay)5, d => d.Dataplane = (Dataplane)9,
            d => d.NodeAddressDetection = (NodeAddressDetection)99));
        yield return ("unknown IPv6 detection", () => TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), d => d.NodeAddressDetectionV6 = (NodeAddressDetection)99));
        yield return ("NAT outgoing with Never", () => TestDrafts.Valid(d => d.ChangeEncapsulationMode(EncapsulationMode.Never), d => d.NatOutgoing = true));
        yield return ("a provider permitting VXLAN only", () => TestDrafts.Valid(d => d.Provider = "AzureVxlan"));
        yield return ("underlay MTU bad", () => TestDrafts.Valid(d => d.NodeNetworkMtu = "99999"));
        yield return ("a dual-stack IPv4 block too large for its pool", () => TestDrafts.Valid(d => d.ChangeNetworkStack(NetworkStack.DualStack), d => d.ContainersCidr = "10.20.0.0/27", d => d.BlockSize = "26"));
        yield return ("a long skip-interface list", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.SkipInterface; d.NodeAddressDetectionValue = string.Join(",", Enumerable.Range(0, 17).Select(i => $"e{i}")); }));
        yield return ("a long CIDRs list", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Cidrs; d.NodeAddressDetectionValue = string.Join(",", Enumerable.Range(0, 17).Select(i => $"192.168.{i}.0/24")); }));
        yield return ("an escape Go lacks", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = @"eth\Z"; }));
        yield return ("a repeat Go refuses", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = "e{1001}"; }));
        yield return ("a flag Go lacks", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = "(?x)eth"; }));
        yield return ("a comment Go lacks", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = "(?#c)eth"; }));
        yield return ("a quoted group Go lacks", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = "(?'n'eth)"; }));
        yield return ("a conditional Go lacks", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = "(?(a)b|c)"; }));
        yield return ("a pattern too long", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.Interface; d.NodeAddressDetectionValue = new string('a', 1001); }));
        yield return ("can-reach a bad label", () => TestDrafts.Valid(d => { d.NodeAddressDetection = NodeAddressDetection.CanReach; d.NodeAddressDetectionValue = $"{new string('a', 64)}.com"; }));
        yield return ("can-reach in brackets", () => TestDrafts.ValidIPv6(d => { d.NodeAddressDetection = NodeAddressDetection.CanReach; d.NodeAddressDetectionValue = "[fd00::1]"; }));
        yield return ("the word suggest", () => TestDrafts.Valid(d => d.ContainersCidr = "suggest"));
        yield return ("a prefix that is not a number", () => TestDrafts.Valid(d => d.ContainersCidr = "10.20.0.0/016"));
        yield return ("inputs out of bounds", () => TestDrafts.Valid(d => d.Name = new string('a', 300), d => d.NetworkPolicies = null!));
        yield return ("too many policies", () => TestDrafts.Valid(d => d.NetworkPolicies = Enumerable.Repeat(PolicyStarters.DefaultDenyIngress, 51).ToList()));
        yield return ("a null and a huge policy", () => TestDrafts.Valid(d => d.NetworkPolicies = [null!, new string('#', 70 * 1024)]));
        yield return ("a policy defined twice", () => TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.DefaultDenyIngress, PolicyStarters.DefaultDenyIngress]));
        yield return ("a policy with a YAML anchor, and one nested too deep", () => TestDrafts.Valid(d => d.NetworkPolicies = [HostileYaml.AliasBomb(3), new string('[', 40) + new string(']', 40)]));
        yield return ("a policy written by the API server, with huge annotations", () => TestDrafts.Valid(d => d.NetworkPolicies = [PolicyStarters.DefaultDenyIngress.Replace(
            "  name: default-deny-ingress\n", $"  name: default-deny-ingress\n  uid: x\n  annotations:\n    a: \"{new string('v', 60 * 1024)}\"\n    b: \"{new string('v', 60 * 1024)}\"\n")]));
    }

    private static readonly ProviderMatrix Matrix = new(ProviderMatrix.Seed.Providers.Append(new ProviderOption
    {
        Name = "AzureVxlan", Calico = true, MachineKinds = [MachineKind.Virtual], NetworkLabel = "Virtual network name", NetworkPattern = "^.+$",
        NetworkExample = "prod-vnet", Encapsulations = [Encapsulations.Vxlan, Encapsulations.VxlanCrossSubnet],
    }));

    private static async Task<IReadOnlyList<(string Where, string Message)>> CheckAsync(ClusterDraft draft)
    {
        var check = await new ClusterRules(Matrix, Registry).CheckAsync(draft);
        // The n-th failure of a field and severity, in the order the rules report them.
        return check.Failures.GroupBy(f => (f.PropertyName, f.Severity))
            .SelectMany(g => g.Select((f, i) => ($"{g.Key.PropertyName} {g.Key.Severity} #{i}", f.ErrorMessage))).ToArray();
    }

    [Fact]
    public async Task Every_rule_message_and_warning_reads_differently_in_German()
    {
        var drafts = Drafts().ToArray();
        Assert.True(drafts.Length > 200, $"the corpus holds {drafts.Length} drafts");
        var problems = new List<string>();
        var compared = 0;
        var severities = new HashSet<Severity>();
        foreach (var (name, make) in drafts)
        {
            var english = await Cultures.InAsync(Cultures.English, () => CheckAsync(make()));
            var german = await Cultures.InAsync(Cultures.German, () => CheckAsync(make()));
            if (english.Count == 0) problems.Add($"{name}: no message at all (the corpus row no longer says anything)");
            if (!english.Select(e => e.Where).SequenceEqual(german.Select(g => g.Where)))
            {
                problems.Add($"{name}: English [{string.Join(", ", english.Select(e => e.Where))}] but German [{string.Join(", ", german.Select(g => g.Where))}]");
                continue;
            }
            foreach (var (en, de) in english.Zip(german))
            {
                compared++;
                if (en.Where.Contains(" Warning ")) severities.Add(Severity.Warning); else severities.Add(Severity.Error);
                if (string.IsNullOrWhiteSpace(de.Message) || de.Message == en.Message)
                    problems.Add($"{name}, {en.Where}: \"{de.Message}\" is the same in English");
            }
        }
        Assert.True(compared > 300, $"only {compared} messages compared");
        Assert.Equal([Severity.Error, Severity.Warning], severities.Order());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>What the core says outside the validator: suggestions, the address map, spec files, policy text, Review values.</summary>
    private static async Task<IReadOnlyList<(string Where, string? Message)>> OtherMessagesAsync()
    {
        var planner = new RangeSuggester(ProviderMatrix.Seed, Registry, new PlanningOptions());
        var said = new List<(string, string?)>();
        async Task Suggest(string name, ClusterDraft d) => said.Add((name, (await planner.SuggestAsync(d, RangeKind.Containers, NetworkStack.IPv4)).Reason));
        await Suggest("suggest: no network", TestDrafts.Valid(d => d.L2Network = ""));
        await Suggest("suggest: no nodes", TestDrafts.Valid(d => d.PlannedNodes = "many"));
        await Suggest("suggest: no block size", TestDrafts.Valid(d => d.BlockSize = "40"));
        await Suggest("suggest: found", TestDrafts.Valid(d => d.L2Network = "rack-1"));
        await Suggest("suggest: found for Flannel", TestDrafts.Valid(d => d.L2Network = "rack-1", d => d.Backend = NetworkBackend.Flannel));
        await Suggest("suggest: nothing fits", TestDrafts.Valid(d => d.L2Network = "rack-1", d => d.PlannedNodes = "5000", d => d.BlockSize = "21"));
        said.Add(("suggest: services", (await planner.SuggestAsync(TestDrafts.Valid(d => d.L2Network = "rack-1"), RangeKind.Services, NetworkStack.IPv4)).Reason));
        said.Add(("suggest: unknown provider", (await planner.SuggestAsync(new SuggestRequest("GCP", "x", RangeKind.Containers, NetworkStack.IPv4, 3, 26, []))).Reason));
        said.Add(("suggest: no IPv6 space", FreeRangeSearch.Suggest(FreeRangeSearch.Plan(RangeKind.Services, NetworkStack.IPv6, 3, null, new PlanningOptions()), [IPNetwork.Parse("10.0.0.0/8")], "rack-1", NetworkUsage.Empty, []).Reason));
        var spec = (await TestDrafts.Valid(d => d.L2Network = "rack-1").CheckAsync()).Spec!;
        foreach (var (field, suggestion) in (await Duplicates.CreateAsync(spec, Guid.NewGuid(), "", Registry, planner)).Suggested)
            said.Add(($"duplicate: {field}", suggestion.Reason));

        var crowded = RegisteredCluster.UsageOf(Enumerable.Range(0, 300).Select(i => FakeClusterRegistry.Cluster($"c{i}", "rack-1", $"10.{100 + i / 256}.{i % 256}.0/26", $"10.{100 + i / 256}.{i % 256}.64/26")).Append(Taken));
        var map = AddressMap.Build("rack-1", [IPNetwork.Parse("10.0.0.0/8")], crowded, [new UsedRange(IPNetwork.Parse("10.30.0.0/20"), UsedRange.ThisDraft, UsedRange.ContainersIPv6)], [IPNetwork.Parse("192.168.0.0/24")]);
        said.AddRange(map.Rows.Where(r => r.Holder != "taken" && !r.Holder.StartsWith('c')).SelectMany(r => new[] { ("map holder", r.Holder), ("map what", (string?)r.What) }));
        said.AddRange(map.Rows.Where(r => r.Holder == "taken").Select(r => ("map what", (string?)r.What)));
        said.Add(("map: outside", map.Bars.Single(b => b.Segments.Any(s => s.Kind == MapKind.Node)).Space));
        said.Add(("map: grouped", map.Bars[0].Segments.First(s => s.Count > 1).Label));

        foreach (var text in new[] { "name: x\nfoo: 1\n", "name: x\nnetworkStack: IPv5\n", "bgp: maybe\n", "name: [\n", "name: &n x\n", new string('#', InputLimits.MaxSpecFileBytes + 1) })
            said.Add(($"spec file {text.Length}", DraftFile.Read(text).Error));
        said.Add(("policy: not a number", PolicyText.Parse(PolicyKit.Policy("podSelector: {}", "ingress:", "- ports: [{port: 80, endPort: abc}]")).YamlError));
        said.Add(("policy: duplicate key", PolicyText.Parse(PolicyKit.Policy("podSelector: {}", "podSelector: {}")).YamlError));
        said.Add(("capacity", BlockCapacity.Of(16, 26, NetworkStack.IPv4).Describe()));
        said.AddRange(PolicyStarters.All.Select(s => ("starter", (string?)s.Title)));
        foreach (var draft in new[] { TestDrafts.Valid(d => d.MtuAuto = true, d => d.Bgp = false, d => d.Dataplane = Dataplane.Bpf), TestDrafts.Valid() })
            foreach (var field in DraftFields.All)
                if (field.Show?.Invoke(draft) is { } shown && shown.Any(char.IsLetter) && !shown.Contains("first-found") && field.Property is not (nameof(ClusterDraft.Provider) or nameof(ClusterDraft.MachineKind) or nameof(ClusterDraft.NetworkStack) or nameof(ClusterDraft.Backend) or nameof(ClusterDraft.EncapsulationMode) or nameof(ClusterDraft.Name) or nameof(ClusterDraft.L2Network)))
                    said.Add(($"Review {field.Property}", shown));
        foreach (var e in Encapsulations.All) said.Add(($"encapsulation {e}", ClusterDraftValidator.Describe(e)));
        return said;
    }

    [Fact]
    public async Task What_the_core_says_outside_the_rules_reads_differently_in_German()
    {
        var english = await Cultures.InAsync(Cultures.English, OtherMessagesAsync);
        var german = await Cultures.InAsync(Cultures.German, OtherMessagesAsync);

        Assert.Equal(english.Select(e => e.Where), german.Select(g => g.Where));
        Assert.True(english.Count > 30, $"only {english.Count} texts");
        var same = english.Zip(german).Where(p => p.First.Message is null || p.First.Message == p.Second.Message).Select(p => $"{p.First.Where}: {p.Second.Message ?? "(nothing said)"}");
        Assert.True(!same.Any(), string.Join("\n", same));
    }
}

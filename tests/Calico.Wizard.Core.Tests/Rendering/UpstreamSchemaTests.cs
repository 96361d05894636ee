using System.Globalization;
using System.Text.Json.Nodes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Rules;
using k8s;
using Xunit.Abstractions;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Tests.Rendering;

/// <summary>
/// What a real API server would say about every object the renderer can produce: the Tigera operator's own
/// Installation CRD (../shared/upstream) judges each rendering of the enumerated rule space, its CEL rules are
/// mirrored in C#, and the schema check itself is shown to catch what a server refuses.
/// </summary>
public sealed class UpstreamSchemaTests(ITestOutputHelper output)
{
    private static readonly CrdSchema Schema = Upstream.InstallationSchema;

    private static readonly string[] Detections4 = ["8.8.8.8"], Detections6 = ["2001:4860:4860::8888"];

    /// <summary>
    /// One draft per point of stack × overlay × mode × NAT × BGP × detection method × dataplane × block and MTU extremes
    /// (MTU auto included), plus Flannel on each stack.
    /// </summary>
    public static IEnumerable<(string Case, ClusterDraft Draft)> RuleSpace()
    {
        foreach (var stack in Enum.GetValues<NetworkStack>())
        {
            var (minBlock, maxBlock) = BlockCapacity.Range(stack);
            int?[] mtus = [stack == NetworkStack.IPv4 ? ClusterDraftValidator.MinMtu : ClusterDraftValidator.MinIPv6Mtu, ClusterDraftValidator.MaxMtu, null];
            // One loop per axis, stacked flat so the product reads as the list it is (dotnet format would nest each one deeper).
#pragma warning disable format
            foreach (var overlay in Enum.GetValues<Overlay>())
            foreach (var mode in Enum.GetValues<EncapsulationMode>())
            foreach (var nat in new[] { true, false })
            foreach (var bgp in new[] { true, false })
            foreach (var detection in Enum.GetValues<NodeAddressDetection>())
            foreach (var dataplane in Enum.GetValues<Dataplane>())
            foreach (var block in new[] { minBlock, maxBlock })
            foreach (var mtu in mtus)
            {
                var draft = TestDrafts.On(stack, d =>
                {
                    d.ChangeOverlay(overlay);
                    d.ChangeEncapsulationMode(mode);
                    d.NatOutgoing = nat;
                    d.Bgp = bgp;
                    d.NodeAddressDetection = detection;
                    d.NodeAddressDetectionValue = detection switch
                    {
                        NodeAddressDetection.CanReach => stack == NetworkStack.IPv6 ? "2001:4860:4860::8888" : "8.8.8.8",
                        NodeAddressDetection.Interface => "eth.*",
                        NodeAddressDetection.SkipInterface => "docker.*|cali.*",
                        NodeAddressDetection.Cidrs => stack == NetworkStack.IPv6 ? "fd00:192:168::/64,fd00:192:169::/64" : "192.168.0.0/24,192.168.1.0/24",
                        _ => "",
                    };
                    d.Dataplane = dataplane;
                    d.BlockSize = block.ToString(CultureInfo.InvariantCulture);
                    d.NodeNetworkMtu = ClusterDraftValidator.MaxNodeNetworkMtu.ToString(CultureInfo.InvariantCulture);
                    d.MtuAuto = mtu is null;
                    if (mtu is { } m) d.Mtu = m.ToString(CultureInfo.InvariantCulture);
                });
                yield return ($"Calico {stack} {overlay} {mode} nat={nat} bgp={bgp} {detection} {dataplane} /{block} mtu {mtu?.ToString(CultureInfo.InvariantCulture) ?? "auto"}", draft);
            }
#pragma warning restore format
            var azure = ProviderMatrix.Seed.Find("Azure")!;
            yield return ($"Flannel {stack} on Azure", TestDrafts.On(stack, d => d.ChangeProvider(azure, ProviderMatrix.Seed.BackendsFor("Azure"))));
        }
    }

    /// <summary>One point of the rule space as the rules judged it: its name, the check, and its Installations as the API server receives them.</summary>
    private sealed record Judged(string Name, DraftCheck Check, IReadOnlyList<JsonNode> Installations);

    /// <summary>The rule space judged and rendered once for every test that looks at it (7,779 drafts).</summary>
    private static readonly Lazy<Task<IReadOnlyList<Judged>>> Space = new(async () =>
    {
        var rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        var judged = new List<Judged>();
        foreach (var (name, draft) in RuleSpace())
        {
            var check = await rules.CheckAsync(draft);
            var installations = check.Spec is { } spec
                ? ManifestRenderer.Render(spec).Where(o => o.Kind == Tigera.InstallationKind).Select(o => JsonNode.Parse(KubernetesJson.Serialize(o.Body))!).ToList()
                : [];
            judged.Add(new Judged(name, check, installations));
        }
        return judged;
    });

    [Fact]
    public async Task Every_rendering_the_rules_allow_in_the_rule_space_passes_the_operators_installation_schema_and_its_cel_rules()
    {
        int valid = 0, installations = 0, refused = 0;
        var problems = new List<string>();
        foreach (var (name, check, rendered) in await Space.Value)
        {
            if (!check.IsValid)
            {
                // the only points of the space the rules refuse: NAT outgoing without encapsulation, IP-in-IP on IPv6, and
                // IP-in-IP or unencapsulated pools without BGP (the operator's own rule)
                Assert.True(check.Errors.All(e => e.PropertyName is nameof(ClusterDraft.NatOutgoing) or nameof(ClusterDraft.EncapsulationMode) or nameof(ClusterDraft.Bgp)),
                    $"{name}: {string.Join("; ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"))}");
                refused++;
                continue;
            }
            valid++;
            foreach (var json in rendered)
            {
                installations++;
                problems.AddRange(Schema.Check(json).Select(v => $"{name}: {v}"));
                problems.AddRange(InstallationCel.Violations(json).Select(v => $"{name}: {v}"));
            }
        }
        output.WriteLine($"{valid} valid drafts ({installations} Installations, {valid - installations} Flannel), {refused} refused by the rules; all checked against {Upstream.PathOf(Upstream.InstallationsFile)}");
        Assert.Empty(problems);
        // Valid (overlay, mode, NAT, BGP) points: IPv4 — IP-in-IP Always/CrossSubnet × NAT on/off with BGP (4), Never without
        // NAT with BGP (1), VXLAN Always/CrossSubnet × NAT × BGP on/off (8), VXLAN Never (1) = 14; dual-stack the same 14 (its
        // IPv6 pool goes unencapsulated under IP-in-IP); IPv6 — no IP-in-IP, so 1 + 9 = 10. Each of the 38 × 6 detections ×
        // 3 dataplanes × 2 blocks × 3 MTUs = 4,104 Installations; the other 34 points × 108 are refused. Plus Flannel on each stack.
        Assert.Equal(4104, installations);
        Assert.Equal(3, valid - installations);
        Assert.Equal(3672, refused);
    }

    [Fact]
    public async Task The_schema_check_refuses_an_unknown_field_naming_its_path_as_strict_field_validation_does()
    {
        var installation = await DefaultInstallation();
        installation["spec"]!["calicoNetwork"]!["ipPools"]![0]!["ipipMode"] = "Always"; // an IPPool field, not an Installation one
        var violation = Assert.Single(Schema.Check(installation));
        Assert.Equal(SchemaViolationKind.UnknownField, violation.Kind);
        Assert.Equal("spec.calicoNetwork.ipPools[0].ipipMode", violation.Field);
        Assert.Equal("unknown field \"spec.calicoNetwork.ipPools[0].ipipMode\"", violation.ToString());
    }

    [Fact]
    public async Task The_schema_check_refuses_a_value_outside_an_enum_listing_the_supported_values()
    {
        var installation = await DefaultInstallation();
        installation["spec"]!["calicoNetwork"]!["ipPools"]![0]!["encapsulation"] = "IPIPAlways";
        var violation = Assert.Single(Schema.Check(installation));
        Assert.Equal(SchemaViolationKind.NotSupported, violation.Kind);
        Assert.Equal("spec.calicoNetwork.ipPools[0].encapsulation", violation.Field);
        Assert.StartsWith("Unsupported value: \"IPIPAlways\": supported values: ", violation.Message);
        Assert.Contains("\"IPIPCrossSubnet\"", violation.Message);
    }

    [Fact]
    public async Task The_schema_check_refuses_a_wrong_type_and_a_missing_required_field()
    {
        var installation = await DefaultInstallation();
        installation["spec"]!["calicoNetwork"]!["mtu"] = "1440";
        installation["spec"]!["calicoNetwork"]!["ipPools"]![0]!.AsObject().Remove("cidr");
        var violations = Schema.Check(installation);
        Assert.Contains(violations, v => v is { Field: "spec.calicoNetwork.mtu", Kind: SchemaViolationKind.TypeInvalid } && v.Message.Contains("must be of type integer"));
        Assert.Contains(violations, v => v is { Field: "spec.calicoNetwork.ipPools[0].cidr", Kind: SchemaViolationKind.Required, Message: "Required value" });
        Assert.Equal(2, violations.Count);
    }

    [Fact]
    public async Task Int_or_string_fields_accept_both_forms_so_a_failed_anyOf_branch_is_not_reported()
    {
        var installation = await DefaultInstallation();
        installation["spec"]!["nodeUpdateStrategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%" } };
        Assert.Empty(Schema.Check(installation));
        installation["spec"]!["nodeUpdateStrategy"]!["rollingUpdate"]!["maxUnavailable"] = 1;
        Assert.Empty(Schema.Check(installation));
    }

    [Fact]
    public async Task Every_cel_rule_of_the_installation_crd_on_a_field_the_renderer_writes_is_mirrored()
    {
        var written = new HashSet<string>();
        foreach (var json in (await Space.Value).SelectMany(j => j.Installations))
            Fields(json, "", written);
        var touching = Upstream.CelRules(Upstream.InstallationCrd, Tigera.Version)
            .Where(r => r.Field.Length == 0 || written.Contains(r.Field))
            .Select(r => (r.Field, r.Message)).Distinct().OrderBy(r => r.Field).ToList();
        Assert.Equal(InstallationCel.Mirrored.OrderBy(r => r.Field), touching);
    }

    [Fact]
    public async Task The_cel_mirrors_refuse_what_their_rules_refuse()
    {
        Assert.Empty(InstallationCel.Violations(await DefaultInstallation()));
        var twoMethods = await DefaultInstallation();
        twoMethods["spec"]!["calicoNetwork"]!["nodeAddressAutodetectionV4"]!["interface"] = "eth0";
        Assert.Equal([$"spec.calicoNetwork.nodeAddressAutodetectionV4: {InstallationCel.OneAutodetectionMethod}"], InstallationCel.Violations(twoMethods).Select(v => v.ToString()));
        var emptyInterface = await DefaultInstallation();
        emptyInterface["spec"]!["calicoNetwork"]!["nodeAddressAutodetectionV4"]!["interface"] = ""; // size 0 does not count
        Assert.Empty(InstallationCel.Violations(emptyInterface));
        var renamed = await DefaultInstallation();
        renamed["metadata"]!["name"] = "edge-01";
        Assert.Equal([InstallationCel.ResourceName], InstallationCel.Violations(renamed).Select(v => v.ToString()));
    }

    [UpstreamFact]
    public void The_vendored_installation_crd_is_the_upstream_file_unchanged()
    {
        Assert.Equal(File.ReadAllBytes(Path.Combine(Upstream.Directory!, Upstream.InstallationsFile)), File.ReadAllBytes(Upstream.VendoredInstallations));
    }

    /// <summary>The Installation of PMK's defaults, as JSON to break on purpose (rendered once, a fresh copy each call).</summary>
    private static async Task<JsonObject> DefaultInstallation() => (await DefaultJson.Value).DeepClone().AsObject();

    private static readonly Lazy<Task<JsonObject>> DefaultJson = new(async () =>
        JsonNode.Parse(KubernetesJson.Serialize(ManifestRenderer.Render((await TestDrafts.Valid().CheckAsync()).Spec!)[0].Body))!.AsObject());

    /// <summary>Every field path in <paramref name="node"/>, written the way <see cref="Upstream.CelRules"/> writes rule fields.</summary>
    private static void Fields(JsonNode node, string path, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    var field = path.Length == 0 ? name : $"{path}.{name}";
                    into.Add(field);
                    if (child is not null) Fields(child, field, into);
                }
                break;
            case JsonArray a:
                into.Add(path + "[]");
                foreach (var child in a)
                    if (child is not null) Fields(child, path + "[]", into);
                break;
        }
    }
}

using Xunit;
using System.Text.Json.Nodes;
using Calico.Wizard.Core.Rendering;
using k8s;
using k8s.Models;

namespace Calico.Wizard.Testing;

/// <summary>
/// The Tigera operator's own CRDs in <c>../shared/upstream/</c> (copied unchanged from tigera/operator; never edited):
/// what a real API server checks our objects against. When a checkout has no <c>../shared</c> the product's vendored
/// copy of the Installation CRD (byte-for-byte the same, which a test proves when both are there) stands in.
/// </summary>
public static class Upstream
{
    public const string InstallationsFile = "operator.tigera.io_installations.yaml";
    public const string TigeraStatusesFile = "operator.tigera.io_tigerastatuses.yaml";
    public const string IpPoolsFile = "crd.projectcalico.org_ippools.yaml";

    /// <summary>The product's copy of the Installation CRD (an embedded resource of the provisioner).</summary>
    public static string VendoredInstallations => Path.Combine(Repository.Root, "src", "Calico.Wizard.Provisioning", "Targets", "Schemas", InstallationsFile);

    /// <summary>../shared/upstream/tigera-operator beside the repository, or null in a checkout without it.</summary>
    public static string? Directory { get; } =
        Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "upstream", "tigera-operator")) is var d && System.IO.Directory.Exists(d) ? d : null;

    /// <summary>The path of an upstream CRD file (the vendored copy for the Installation CRD when ../shared is absent).</summary>
    public static string PathOf(string file) =>
        Directory is { } d ? Path.Combine(d, file)
        : file == InstallationsFile ? VendoredInstallations
        : throw new FileNotFoundException($"../shared/upstream/tigera-operator/{file} is not beside this checkout ({Repository.Root}).");

    private static readonly Lazy<string> InstallationsYaml = new(() => File.ReadAllText(PathOf(InstallationsFile)));
    private static readonly Lazy<V1CustomResourceDefinition> InstallationsCrd = new(() => KubernetesYaml.Deserialize<V1CustomResourceDefinition>(InstallationsYaml.Value));
    private static readonly Lazy<CrdSchema> InstallationSchemaOnce = new(() => CrdSchema.Of(InstallationsCrd.Value, Tigera.Version)!);
    private static readonly Lazy<JsonObject> InstallationsJson = new(() => JsonNode.Parse(KubernetesJson.Serialize(InstallationsCrd.Value))!.AsObject());

    /// <summary>The upstream Installation CRD's v1 schema (built once per test process).</summary>
    public static CrdSchema InstallationSchema => InstallationSchemaOnce.Value;

    public static V1CustomResourceDefinition InstallationCrd => InstallationsCrd.Value;

    /// <summary>The upstream Installation CRD as the API server serves it (a fresh copy each call, to change freely).</summary>
    public static JsonObject InstallationCrdJson() => InstallationsJson.Value.DeepClone().AsObject();

    /// <summary>The upstream Installation CRD as YAML, e.g. for an operator manifest.</summary>
    public static string InstallationCrdYaml => InstallationsYaml.Value;

    /// <summary>One CEL rule of a CRD and the field it sits on ("" for the object, "spec.x[]" for each item of spec.x).</summary>
    public sealed record CelRule(string Field, string Rule, string Message);

    /// <summary>Every x-kubernetes-validations rule of the CRD's <paramref name="version"/> schema, with its field.</summary>
    public static IReadOnlyList<CelRule> CelRules(V1CustomResourceDefinition crd, string version)
    {
        var rules = new List<CelRule>();
        void Visit(V1JSONSchemaProps? s, string field)
        {
            if (s is null) return;
            foreach (var v in s.XKubernetesValidations ?? []) rules.Add(new CelRule(field, v.Rule, v.Message ?? v.Rule));
            foreach (var (name, child) in s.Properties ?? new Dictionary<string, V1JSONSchemaProps>()) Visit(child, field.Length == 0 ? name : $"{field}.{name}");
            if (s.Items is V1JSONSchemaProps items) Visit(items, field + "[]");
            if (s.AdditionalProperties is V1JSONSchemaProps values) Visit(values, field + "{}");
        }
        Visit(crd.Spec.Versions.Single(v => v.Name == version).Schema.OpenAPIV3Schema, "");
        return rules;
    }
}

/// <summary>
/// The Installation CRD's CEL rules (x-kubernetes-validations) on the fields the renderer writes, in C#: JsonSchema
/// does not run CEL, so these mirror each rule by its message, and a test proves the list is complete.
/// </summary>
public static class InstallationCel
{
    public const string OneAutodetectionMethod = "no more than one autodetection method can be specified";
    public const string ResourceName = "resource name must be 'default', 'tigera-secure', or 'overlay'";

    /// <summary>The rules mirrored here: (field, message), as <see cref="Upstream.CelRules"/> lists them.</summary>
    public static readonly (string Field, string Message)[] Mirrored =
    [
        ("", ResourceName),
        ("spec.calicoNetwork.nodeAddressAutodetectionV4", OneAutodetectionMethod),
        ("spec.calicoNetwork.nodeAddressAutodetectionV6", OneAutodetectionMethod),
    ];

    /// <summary>One broken rule: the field it sits on ("" for the object itself) and its message.</summary>
    public sealed record Violation(string Field, string Message)
    {
        public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
    }

    /// <summary>Every mirrored rule <paramref name="installation"/> breaks.</summary>
    public static IReadOnlyList<Violation> Violations(JsonNode installation)
    {
        var broken = new List<Violation>();
        // self.metadata.name == 'default' || self.metadata.name == 'tigera-secure' || self.metadata.name == 'overlay'
        if (installation["metadata"]?["name"]?.GetValue<string>() is not ("default" or "tigera-secure" or "overlay"))
            broken.Add(new("", ResourceName));
        foreach (var family in new[] { "nodeAddressAutodetectionV4", "nodeAddressAutodetectionV6" })
            if (installation["spec"]?["calicoNetwork"]?[family] is JsonObject detection && !AtMostOneAutodetectionMethod(detection))
                broken.Add(new($"spec.calicoNetwork.{family}", OneAutodetectionMethod));
        return broken;
    }

    /// <summary>
    /// [has(self.firstFound) &amp;&amp; self.firstFound == true, has(self.kubernetes), has(self.interface) &amp;&amp; size(self.interface) &gt; 0,
    /// has(self.skipInterface) &amp;&amp; size(self.skipInterface) &gt; 0, has(self.canReach) &amp;&amp; size(self.canReach) &gt; 0,
    /// has(self.cidrs) &amp;&amp; size(self.cidrs) &gt; 0].filter(x, x).size() &lt;= 1
    /// </summary>
    public static bool AtMostOneAutodetectionMethod(JsonObject self)
    {
        bool NonEmpty(string key) => self[key] switch
        {
            JsonArray a => a.Count > 0,
            JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
            _ => false,
        };
        bool[] methods =
        [
            self["firstFound"] is JsonValue f && f.TryGetValue<bool>(out var first) && first,
            self.ContainsKey("kubernetes"),
            NonEmpty("interface"),
            NonEmpty("skipInterface"),
            NonEmpty("canReach"),
            NonEmpty("cidrs"),
        ];
        return methods.Count(m => m) <= 1;
    }
}

/// <summary>A [Fact] that needs ../shared/upstream itself (not the vendored stand-in); otherwise a visible skip saying why.</summary>
public sealed class UpstreamFactAttribute : FactAttribute
{
    public UpstreamFactAttribute()
    {
        if (Upstream.Directory is null)
            Skip = $"../shared/upstream/tigera-operator is not beside this checkout ({Repository.Root}): put the shared folder there to run this";
    }
}

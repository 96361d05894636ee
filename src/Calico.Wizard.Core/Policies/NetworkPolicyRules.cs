using System.Net;
using System.Text.RegularExpressions;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;
using Calico.Wizard.Core.Rules;
using k8s.Models;

namespace Calico.Wizard.Core.Policies;

/// <summary>One finding about a policy: where in it (a JSON-path-like location) and what to do.</summary>
public sealed record PolicyFinding(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>What Kubernetes' own validation of networking.k8s.io/v1 NetworkPolicy requires, with strict CIDRs.</summary>
public static partial class NetworkPolicyRules
{
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\z")]
    private static partial Regex ServiceName();

    private static readonly string[] Protocols = ["TCP", "UDP", "SCTP"];

    /// <summary>What the API server would refuse. An ipBlock may be of either family, as Kubernetes accepts (see <see cref="FamilyWarnings"/>).</summary>
    public static IReadOnlyList<PolicyFinding> Errors(V1NetworkPolicy policy)
    {
        var errors = new List<PolicyFinding>();
        void Add(string path, string? message) { if (message is not null) errors.Add(new(path, message)); }

        var name = policy.Metadata?.Name ?? "";
        Add("metadata.name", name.Length == 0 ? Messages.PolicyNameEmpty
            : name.Length > 253 || !Dns1123Subdomain().IsMatch(name) ? Text.Format(Messages.PolicyNameInvalid, name) : null);
        Add("metadata.namespace", HostName.CheckDns1123Label(policy.Metadata?.NamespaceProperty ?? "", LabelKind.Namespace));
        if (policy.Metadata is { } metadata) CheckMetadata(metadata, Add);

        var spec = policy.Spec;
        if (spec is null) { Add("spec", Messages.PolicyNoSpec); return errors; }
        if (spec.PodSelector is null) Add("spec.podSelector", Messages.PolicyPodSelectorRequired);
        else CheckSelector("spec.podSelector", spec.PodSelector, Add);

        var types = spec.PolicyTypes ?? [];
        for (var i = 0; i < types.Count; i++)
            if (types[i] is not ("Ingress" or "Egress")) Add($"spec.policyTypes[{i}]", Text.Format(Messages.PolicyTypeInvalid, types[i]));
        if (types.Count > 0 && !types.Contains("Egress") && spec.Egress is { Count: > 0 })
            Add("spec.egress", Messages.PolicyEgressIgnored);
        if (types.Count > 0 && !types.Contains("Ingress") && spec.Ingress is { Count: > 0 })
            Add("spec.ingress", Messages.PolicyIngressIgnored);

        for (var r = 0; r < (spec.Ingress?.Count ?? 0); r++)
        {
            if (spec.Ingress![r] is not { } rule) { Add($"spec.ingress[{r}]", Messages.EmptyIngressRule); continue; }
            CheckPeers($"spec.ingress[{r}].from", rule.FromProperty, Add);
            CheckPorts($"spec.ingress[{r}].ports", rule.Ports, Add);
        }
        for (var r = 0; r < (spec.Egress?.Count ?? 0); r++)
        {
            if (spec.Egress![r] is not { } rule) { Add($"spec.egress[{r}]", Messages.EmptyEgressRule); continue; }
            CheckPeers($"spec.egress[{r}].to", rule.To, Add);
            CheckPorts($"spec.egress[{r}].ports", rule.Ports, Add);
        }
        return errors;
    }

    /// <summary>Things worth knowing that are not errors: what the policy selects and what it denies.</summary>
    public static IReadOnlyList<PolicyFinding> Hints(V1NetworkPolicy policy)
    {
        var hints = new List<PolicyFinding>();
        var spec = policy.Spec;
        if (spec is null) return hints;
        var ns = policy.Metadata?.NamespaceProperty ?? "default";
        var selectsAll = spec.PodSelector is null || IsEmpty(spec.PodSelector);
        var selector = selectsAll ? null : Describe(spec.PodSelector!);
        if (selectsAll) hints.Add(new("spec.podSelector", Text.Format(Messages.HintSelectsAll, ns)));
        var types = spec.PolicyTypes is { Count: > 0 } t ? t : (IList<string>)["Ingress"];
        if (types.Contains("Ingress") && spec.Ingress is not { Count: > 0 })
            hints.Add(new("spec.ingress", selectsAll ? Text.Format(Messages.HintDeniesIngressAll, ns) : Text.Format(Messages.HintDeniesIngress, selector, ns)));
        if (types.Contains("Egress") && spec.Egress is not { Count: > 0 })
            hints.Add(new("spec.egress", selectsAll ? Text.Format(Messages.HintDeniesEgressAll, ns) : Text.Format(Messages.HintDeniesEgress, selector, ns)));
        return hints;
    }

    private static NetworkStack FamilyOf(string? cidr) => StrictCidr.FamilyOf(cidr);

    /// <summary>
    /// ipBlocks of a family the cluster does not have: valid (Kubernetes' own validation accepts both families on any
    /// cluster, so "egress to 0.0.0.0/0 and ::/0" is one policy), but they match no traffic here.
    /// </summary>
    public static IReadOnlyList<PolicyFinding> FamilyWarnings(V1NetworkPolicy policy, NetworkStack stack)
    {
        var warnings = new List<PolicyFinding>();
        void Scan(string path, IList<V1NetworkPolicyPeer>? peers)
        {
            for (var p = 0; p < (peers?.Count ?? 0); p++)
                if (peers![p]?.IpBlock?.Cidr is { } cidr && stack != NetworkStack.DualStack && FamilyOf(cidr) != stack)
                    warnings.Add(new($"{path}[{p}].ipBlock.cidr", Text.Format(Messages.PolicyFamilyWarning, cidr, FamilyOf(cidr), stack)));
        }
        for (var r = 0; r < (policy.Spec?.Ingress?.Count ?? 0); r++) Scan($"spec.ingress[{r}].from", policy.Spec!.Ingress![r]?.FromProperty);
        for (var r = 0; r < (policy.Spec?.Egress?.Count ?? 0); r++) Scan($"spec.egress[{r}].to", policy.Spec!.Egress![r]?.To);
        return warnings;
    }

    private static void CheckPeers(string path, IList<V1NetworkPolicyPeer>? peers, Action<string, string?> add)
    {
        for (var p = 0; p < (peers?.Count ?? 0); p++)
        {
            var at = $"{path}[{p}]";
            if (peers![p] is not { } peer) { add(at, Messages.EmptyPeer); continue; }
            if (peer.IpBlock is { } block)
            {
                if (peer.NamespaceSelector is not null || peer.PodSelector is not null)
                    add(at, Messages.IpBlockCombined);
                var family = FamilyOf(block.Cidr);
                var cidr = StrictCidr.Parse(block.Cidr, family);
                if (!cidr.Ok) { add($"{at}.ipBlock.cidr", cidr.Error); continue; }
                for (var e = 0; e < (block.Except?.Count ?? 0); e++)
                {
                    var except = StrictCidr.Parse(block.Except![e], FamilyOf(block.Except![e]));
                    if (!except.Ok) add($"{at}.ipBlock.except[{e}]", except.Error);
                    else if (!IsStrictSubset(except.Value, cidr.Value))
                        add($"{at}.ipBlock.except[{e}]", Text.Format(Messages.ExceptNotInside, except.Value, cidr.Value));
                }
            }
            else if (peer.NamespaceSelector is null && peer.PodSelector is null)
            {
                add(at, Messages.PeerNeedsSelector);
            }
            if (peer.NamespaceSelector is { } nsSel) CheckSelector($"{at}.namespaceSelector", nsSel, add);
            if (peer.PodSelector is { } podSel) CheckSelector($"{at}.podSelector", podSel, add);
        }
    }

    private static void CheckPorts(string path, IList<V1NetworkPolicyPort>? ports, Action<string, string?> add)
    {
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var at = $"{path}[{i}]";
            if (ports![i] is not { } port) { add(at, Messages.EmptyPort); continue; }
            if (port.Protocol is { } protocol && !Protocols.Contains(protocol))
                add($"{at}.protocol", Text.Format(Messages.ProtocolInvalid, protocol));
            var value = port.Port?.Value;
            int? number = null;
            if (value is null) { if (port.EndPort is not null) add($"{at}.endPort", Messages.EndPortNeedsPort); continue; }
            if (value.Length > 0 && value.All(char.IsAsciiDigit) && int.TryParse(value, out var n))
            {
                number = n;
                if (n is < 1 or > 65535) add($"{at}.port", Text.Format(Messages.PortOutOfRange, n));
            }
            else add($"{at}.port", CheckPortName(value));
            if (port.EndPort is { } end)
            {
                if (number is null) add($"{at}.endPort", Messages.EndPortNeedsNumber);
                else if (end < number || end > 65535) add($"{at}.endPort", Text.Format(Messages.EndPortRange, end, number));
            }
        }
    }

    /// <summary>IANA service names, as Kubernetes accepts them for named ports.</summary>
    public static string? CheckPortName(string name) =>
        name.Length is 0 or > 15 || !ServiceName().IsMatch(name) || name.Contains("--") || !name.Any(char.IsAsciiLetter)
            ? Text.Format(Messages.PortNameInvalid, name)
            : null;

    private static void CheckSelector(string path, V1LabelSelector selector, Action<string, string?> add)
    {
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            add($"{path}.matchLabels", CheckLabelKey(key));
            add($"{path}.matchLabels", CheckLabelValue(key, value));
        }
        for (var i = 0; i < (selector.MatchExpressions?.Count ?? 0); i++)
        {
            var at = $"{path}.matchExpressions[{i}]";
            if (selector.MatchExpressions![i] is not { } e) { add(at, Messages.EmptyExpression); continue; }
            add(at, CheckLabelKey(e.Key ?? ""));
            var values = e.Values ?? [];
            switch (e.OperatorProperty)
            {
                case "In" or "NotIn" when values.Count == 0: add(at, Text.Format(Messages.OperatorNeedsValues, e.OperatorProperty)); break;
                case "Exists" or "DoesNotExist" when values.Count > 0: add(at, Text.Format(Messages.OperatorTakesNoValues, e.OperatorProperty)); break;
                case "In" or "NotIn" or "Exists" or "DoesNotExist": break;
                default: add(at, Text.Format(Messages.OperatorInvalid, e.OperatorProperty)); break;
            }
            foreach (var v in values) add(at, CheckLabelValue(e.Key ?? "", v));
        }
    }

    /// <summary>Labels and annotations as the API server validates them, and no field only the API server writes.</summary>
    private static void CheckMetadata(V1ObjectMeta m, Action<string, string?> add)
    {
        (string Field, bool Set)[] serverOwned =
        [
            ("uid", m.Uid is not null), ("resourceVersion", m.ResourceVersion is not null), ("generation", m.Generation is not null),
            ("creationTimestamp", m.CreationTimestamp is not null), ("deletionTimestamp", m.DeletionTimestamp is not null),
            ("deletionGracePeriodSeconds", m.DeletionGracePeriodSeconds is not null), ("managedFields", m.ManagedFields is not null),
            ("ownerReferences", m.OwnerReferences is not null), ("finalizers", m.Finalizers is not null),
            ("generateName", m.GenerateName is not null), ("selfLink", m.SelfLink is not null),
        ];
        foreach (var (field, set) in serverOwned)
            if (set) add($"metadata.{field}", Messages.ServerOwnedField);
        foreach (var (key, value) in m.Labels ?? new Dictionary<string, string>())
        {
            add("metadata.labels", CheckLabelKey(key));
            add("metadata.labels", CheckLabelValue(key, value));
        }
        var annotationBytes = 0L;
        foreach (var (key, value) in m.Annotations ?? new Dictionary<string, string>())
        {
            add("metadata.annotations", CheckLabelKey(key));
            annotationBytes += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value ?? "");
        }
        if (annotationBytes > Input.InputLimits.MaxAnnotationBytes)
            add("metadata.annotations", Text.Format(Messages.AnnotationsTooLarge, annotationBytes / 1024, Input.InputLimits.MaxAnnotationBytes / 1024));
    }

    public static string? CheckLabelKey(string key)
    {
        var slash = key.IndexOf('/');
        var (prefix, name) = slash >= 0 ? (key[..slash], key[(slash + 1)..]) : ("", key);
        if (slash >= 0 && (prefix.Length == 0 || prefix.Length > 253 || !Dns1123Subdomain().IsMatch(prefix)))
            return Text.Format(Messages.LabelKeyPrefix, Quote(key));
        if (name.Length is 0 or > 63 || !QualifiedName().IsMatch(name))
            return Text.Format(Messages.LabelKeyInvalid, Quote(key));
        return null;
    }

    public static string? CheckLabelValue(string key, string? value) =>
        string.IsNullOrEmpty(value) || (value.Length <= 63 && QualifiedName().IsMatch(value))
            ? null
            : Text.Format(Messages.LabelValueInvalid, Quote(value), Quote(key));

    /// <summary>What a message quotes of a value: never more than a line of it.</summary>
    private static string Quote(string text) => text.Length <= 64 ? text : text[..63] + "…";

    private static bool IsStrictSubset(IPNetwork inner, IPNetwork outer) =>
        inner.BaseAddress.AddressFamily == outer.BaseAddress.AddressFamily
        && inner.PrefixLength > outer.PrefixLength && outer.Contains(inner.BaseAddress);

    private static bool IsEmpty(V1LabelSelector s) => (s.MatchLabels?.Count ?? 0) == 0 && (s.MatchExpressions?.Count ?? 0) == 0;

    public static string Describe(V1LabelSelector s) =>
        string.Join(", ", (s.MatchLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}")
            .Concat((s.MatchExpressions ?? []).OfType<V1LabelSelectorRequirement>()
                .Select(e => $"{e.Key} {e.OperatorProperty} ({string.Join(",", e.Values ?? [])})")));
}

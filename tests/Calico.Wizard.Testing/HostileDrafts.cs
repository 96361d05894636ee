using System.Text;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Input;

namespace Calico.Wizard.Testing;

/// <summary>
/// The drafts of the concurrency-and-volume review (issue 27): each stays inside every per-field bound the API
/// checks first, and each once cost the server far more than its size.
/// </summary>
public static class HostileDrafts
{
    /// <summary>
    /// One flow-style policy of <paramref name="rules"/> ingress rules (every rule valid): small on the wire, but
    /// thousands of YAML nodes once the manifest is written out block by block.
    /// </summary>
    public static string FlowPolicy(int index, int rules)
    {
        var yaml = new StringBuilder($"{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: flow-{index}, namespace: default}}, " +
                                     "spec: {podSelector: {}, policyTypes: [Ingress], ingress: [");
        for (var r = 0; r < rules; r++)
            yaml.Append(r == 0 ? "" : ", ").Append("{from: [{podSelector: {}}], ports: [{port: ").Append(r % 9 + 1).Append("}]}");
        return yaml.Append("]}}").ToString();
    }

    /// <summary>
    /// Eight valid policies whose manifest, parsed whole, passes YamlDotNet's 100,000-event limit: the worker could
    /// not read the job it was given (the review's 8 × 1,200; 900 rules keep each policy inside 64 KB after it is
    /// written again in block style).
    /// </summary>
    public static ClusterDraft Poison(string name = "poison", string network = "rack-poison") =>
        TestDrafts.Valid(d => { d.Name = name; d.L2Network = network; for (var p = 0; p < 8; p++) d.NetworkPolicies.Add(FlowPolicy(p, 900)); });

    /// <summary>
    /// A policy whose one matchExpressions list holds about <paramref name="values"/> invalid label values: tens of
    /// thousands of findings from one policy of at most 64 KB.
    /// </summary>
    public static string InvalidValuesPolicy(int index, int values)
    {
        var yaml = new StringBuilder($$"""
            {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: many-{{index}}, namespace: default},
             spec: {podSelector: {matchExpressions: [{key: tier, operator: In, values: [
            """);
        for (var v = 0; v < values; v++) yaml.Append(v == 0 ? "" : ",").Append("-x");
        return yaml.Append("]}]}}}").ToString();
    }

    /// <summary>The review's amplification draft: 50 policies of invalid value lists, about 3.2 MB in all.</summary>
    public static ClusterDraft Amplification(string name = "amplify", string network = "rack-amplify") =>
        TestDrafts.Valid(d =>
        {
            d.Name = name;
            d.L2Network = network;
            for (var p = 0; p < InputLimits.MaxPolicies; p++) d.NetworkPolicies.Add(InvalidValuesPolicy(p, 21_500));
        });

    /// <summary>A valid policy of about <paramref name="bytes"/> bytes: ingress rules that each name a pod label.</summary>
    public static string LargePolicy(int index, int bytes)
    {
        var yaml = new StringBuilder($"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: large-{index}
              namespace: default
            spec:
              podSelector: {"{}"}
              policyTypes: [Ingress]
              ingress:

            """);
        for (var r = 0; yaml.Length < bytes - 120; r++)
            yaml.Append($"  - from: [{{podSelector: {{matchLabels: {{app: a{r}}}}}}}]\n    ports: [{{port: {r % 60000 + 1}, protocol: TCP}}]\n");
        return yaml.ToString();
    }

    /// <summary>A draft at the caps: 50 valid policies of about 50 KB each (each near 64 KB once written out in block style).</summary>
    public static ClusterDraft AtCaps(string name = "at-caps", string network = "rack-caps") =>
        TestDrafts.Valid(d =>
        {
            d.Name = name;
            d.L2Network = network;
            for (var p = 0; p < InputLimits.MaxPolicies; p++) d.NetworkPolicies.Add(LargePolicy(p, 50 * 1024));
        });

    /// <summary>The review's wizard case: eight policies of 14 KB each.</summary>
    public static ClusterDraft EightPolicies(string name = "eight-policies", string network = "rack-eight") =>
        TestDrafts.Valid(d =>
        {
            d.Name = name;
            d.L2Network = network;
            for (var p = 0; p < 8; p++) d.NetworkPolicies.Add(LargePolicy(p, 14 * 1024));
        });
}

using k8s;
using k8s.Models;
using YamlDotNet.Core;

namespace Calico.Wizard.Core.Policies;

/// <summary>A policy as the operator wrote it: parsed, or the YAML error with its line.</summary>
public sealed record ParsedPolicy(V1NetworkPolicy? Policy, string? YamlError);

/// <summary>YAML ⇄ NetworkPolicy, through KubernetesYaml so the text and the form never disagree.</summary>
public static class PolicyText
{
    public const string ApiVersion = "networking.k8s.io/v1", Kind = "NetworkPolicy";

    public static ParsedPolicy Parse(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml)) return new(null, "The policy is empty: write a NetworkPolicy or start from an example.");
        try
        {
            var head = KubernetesYaml.Deserialize<KubernetesObject>(yaml, strict: false);
            if (head?.ApiVersion != ApiVersion || head.Kind != Kind)
                return new(null, $"Only {ApiVersion} {Kind} is accepted here; this is {(head is null ? "nothing" : $"{head.ApiVersion ?? "(no apiVersion)"} {head.Kind ?? "(no kind)"}")}.");
            var policy = KubernetesYaml.Deserialize<V1NetworkPolicy>(yaml, strict: true);
            return policy is null ? new(null, "The policy is empty.") : new(policy, null);
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException ?? e).Message;
            var cut = reason.LastIndexOf("): ", StringComparison.Ordinal);
            if (cut >= 0) reason = reason[(cut + 3)..];
            return new(null, $"YAML error on line {e.Start.Line}, column {e.Start.Column}: {reason}");
        }
    }

    public static string ToYaml(V1NetworkPolicy policy)
    {
        policy.ApiVersion = ApiVersion;
        policy.Kind = Kind;
        return KubernetesYaml.Serialize(policy).Replace("\r\n", "\n");
    }
}

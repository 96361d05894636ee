using Calico.Wizard.Core.Policies;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace Calico.Wizard.Core.Tests.Policies;

/// <summary>Builders and comparisons shared by the policy tests.</summary>
internal static class PolicyKit
{
    /// <summary>A networking.k8s.io/v1 NetworkPolicy around the given spec lines (each written as at column 0 under spec).</summary>
    public static string Policy(params string[] specLines) => Named("p", "default", specLines);

    public static string Named(string name, string @namespace, params string[] specLines) =>
        $"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: {name}
          namespace: {@namespace}
        spec:

        """ + string.Concat(specLines.Select(line => "  " + line + "\n"));

    /// <summary>Parses text that must parse; fails the test with the YAML error otherwise.</summary>
    public static V1NetworkPolicy Parse(string yaml)
    {
        var parsed = PolicyText.Parse(yaml);
        Assert.True(parsed.Policy is not null, $"expected the YAML to parse, got: {parsed.YamlError}");
        Assert.Null(parsed.YamlError);
        return parsed.Policy!;
    }

    /// <summary>The policy as KubernetesClient sends it to the API server (property order fixed by the model).</summary>
    public static string Json(V1NetworkPolicy policy) => KubernetesJson.Serialize(policy);

    /// <summary>
    /// A YAML text parsed without the Kubernetes model (so a field the model drops still counts) as one
    /// comparable text: keys sorted, scalars quoted.
    /// </summary>
    public static string Canonical(string yaml) => CanonicalYaml.Of(yaml);

    public static string Show(IEnumerable<PolicyFinding> findings) => string.Join(" | ", findings);
}

using System.Text;

namespace Calico.Wizard.Testing;

/// <summary>Hostile documents the core, the API and the browser tests all throw at the wizard.</summary>
public static class HostileYaml
{
    /// <summary>The reported bomb: ten aliases per level, <paramref name="levels"/> levels, under a field typed object.</summary>
    public static string AliasBomb(int levels)
    {
        var yaml = new StringBuilder("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: bomb
              namespace: default
              managedFields:
              - manager: x
                fieldsV1:
                  l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]

            """);
        for (var i = 1; i < levels; i++)
            yaml.Append($"      l{i}: &l{i} [{string.Join(",", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        yaml.Append("spec:\n  podSelector: {}\n");
        return yaml.ToString();
    }
}

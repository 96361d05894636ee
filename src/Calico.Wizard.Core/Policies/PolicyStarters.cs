namespace Calico.Wizard.Core.Policies;

/// <summary>Policies an operator can start from.</summary>
public static class PolicyStarters
{
    /// <summary>The seed's example, exactly.</summary>
    public const string SeedExample = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: test-network-policy
          namespace: default
        spec:
          podSelector:
            matchLabels:
              role: db
          policyTypes:
          - Ingress
          - Egress
          ingress:
          - from:
            - ipBlock:
                cidr: 172.17.0.0/16
                except:
                - 172.17.1.0/24
            - namespaceSelector:
                matchLabels:
                  project: myproject
            - podSelector:
                matchLabels:
                  role: frontend
            ports:
            - protocol: TCP
              port: 6379
          egress:
          - to:
            - ipBlock:
                cidr: 10.0.0.0/24
            ports:
            - protocol: TCP
              port: 5978

        """;

    public const string DefaultDenyIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny-ingress
          namespace: default
        spec:
          podSelector: {}
          policyTypes:
          - Ingress

        """;

    public const string AllowSameNamespace = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-same-namespace
          namespace: default
        spec:
          podSelector: {}
          policyTypes:
          - Ingress
          ingress:
          - from:
            - podSelector: {}

        """;

    /// <summary>The starters with their titles in the current UI language (read on each call, so no title outlives its culture).</summary>
    public static IReadOnlyList<(string Id, string Title, string Yaml)> All =>
    [
        ("seed-example", Resources.Messages.StarterSeedExample, SeedExample),
        ("default-deny-ingress", Resources.Messages.StarterDefaultDenyIngress, DefaultDenyIngress),
        ("allow-same-namespace", Resources.Messages.StarterAllowSameNamespace, AllowSameNamespace),
    ];
}

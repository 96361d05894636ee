using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;

namespace Calico.Wizard.Benchmarks;

public static class Drafts
{
    /// <summary>A draft that passes every rule: PMK's defaults moved to ranges free on <paramref name="network"/>.</summary>
    public static ClusterDraft Valid(string name, string network) => new()
    {
        Name = name,
        Provider = "BareOS",
        MachineKind = MachineKind.Virtual,
        L2Network = network,
        PlannedNodes = "50",
        ContainersCidr = "10.100.0.0/16",
        ServicesCidr = "10.101.0.0/16",
        BlockSize = "26",
        Mtu = "1440",
    };

    public static ClusterSpec ToSpec(this ClusterDraft draft)
    {
        var check = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance).CheckAsync(draft).GetAwaiter().GetResult();
        return check.Spec ?? throw new InvalidOperationException("not valid: " + string.Join("; ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
    }

    /// <summary>The seed's example NetworkPolicy (the Policies step's starter).</summary>
    public const string SamplePolicy = """
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
}

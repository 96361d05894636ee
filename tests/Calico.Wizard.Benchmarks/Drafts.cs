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
    public const string SamplePolicy = Calico.Wizard.Core.Policies.PolicyStarters.SeedExample;
}

using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Testing;

namespace Calico.Wizard.Benchmarks;

public static class Drafts
{
    /// <summary>A draft that passes every rule (the tests' builder): PMK's defaults moved to ranges free on <paramref name="network"/>.</summary>
    public static ClusterDraft Valid(string name, string network) => TestDrafts.Valid(d =>
    {
        d.Name = name;
        d.L2Network = network;
        d.PlannedNodes = "50";
        d.ContainersCidr = "10.100.0.0/16";
        d.ServicesCidr = "10.101.0.0/16";
    });

    public static ClusterSpec ToSpec(this ClusterDraft draft)
    {
        var check = draft.CheckAsync().GetAwaiter().GetResult();
        return check.Spec ?? throw new InvalidOperationException("not valid: " + string.Join("; ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
    }

    /// <summary>The seed's example NetworkPolicy (the Policies step's starter).</summary>
    public const string SamplePolicy = Calico.Wizard.Core.Policies.PolicyStarters.SeedExample;
}

using System.Net;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Testing;

/// <summary>
/// Test data builder: a fully valid draft (PMK's defaults plus the two values that start empty), changed by
/// mutation lambdas, and the one way the tests run the rules on it.
/// </summary>
public static class TestDrafts
{
    /// <summary>A valid BareOS / Calico / IPv4 draft with every other value at PMK's default.</summary>
    public static ClusterDraft Valid(params Action<ClusterDraft>[] changes)
    {
        var draft = new ClusterDraft { Name = "edge-01", L2Network = "rack-1" };
        foreach (var change in changes) change(draft);
        return draft;
    }

    /// <summary>The same draft after the operator flips the stack to IPv6 (IPv6 defaults, Never, NAT off).</summary>
    public static ClusterDraft ValidIPv6(params Action<ClusterDraft>[] changes) =>
        Valid([d => d.ChangeNetworkStack(NetworkStack.IPv6), .. changes]);

    public static ClusterDraft On(NetworkStack stack, params Action<ClusterDraft>[] changes) =>
        stack == NetworkStack.IPv6 ? ValidIPv6(changes) : Valid(changes);

    /// <summary><c>with</c>-style: the same draft, changed.</summary>
    public static ClusterDraft With(this ClusterDraft draft, Action<ClusterDraft> change)
    {
        change(draft);
        return draft;
    }

    public static Task<DraftCheck> CheckAsync(this ClusterDraft draft, IClusterRegistry? registry = null) =>
        new ClusterRules(ProviderMatrix.Seed, registry ?? EmptyClusterRegistry.Instance).CheckAsync(draft);

    /// <summary>Sets one draft field by its property name or spec key, parsed as a spec file would (what the corpus names a field by).</summary>
    public static void Set(ClusterDraft draft, string field, string value)
    {
        var described = DraftFields.Find(field) ?? DraftFields.ByKey(field)
            ?? throw new ArgumentOutOfRangeException(nameof(field), field, "not a field of the draft");
        var (parsed, error) = described.Parse(value);
        described.Set(draft, parsed ?? throw new ArgumentException(error, nameof(value)));
    }

    /// <summary><c>with</c>-style by field: the same draft with one field set as a spec file would set it.</summary>
    public static ClusterDraft With(this ClusterDraft draft, string field, string value)
    {
        Set(draft, field, value);
        return draft;
    }
}

/// <summary>Provider matrices a deployment might configure instead of the seed's.</summary>
public static class TestMatrices
{
    /// <summary>Calico offered on Azure, where the VNet drops IP protocol 4 and unknown routes: VXLAN only.</summary>
    public static ProviderMatrix AzureWithVxlan() => new(ProviderMatrix.Seed.Providers.Select(p => p.Name != "Azure" ? p : new ProviderOption
    {
        Name = p.Name, Calico = true, MachineKinds = p.MachineKinds, NetworkLabel = p.NetworkLabel, NetworkHint = p.NetworkHint,
        NetworkPattern = p.NetworkPattern, NetworkExample = p.NetworkExample, Encapsulations = [Encapsulations.Vxlan, Encapsulations.VxlanCrossSubnet],
    }));
}

/// <summary>An in-memory cluster registry that honours the interface's contract (provider, network case-insensitive).</summary>
public sealed class FakeClusterRegistry(params (string Provider, RegisteredCluster Cluster)[] clusters) : IClusterRegistry
{
    public static RegisteredCluster Cluster(string name, string l2Network, string containers, string services, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), name, l2Network, IPNetwork.Parse(containers), IPNetwork.Parse(services));

    public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RegisteredCluster>>(clusters
            .Where(c => c.Provider == provider && string.Equals(c.Cluster.L2Network, l2Network, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Cluster)
            .ToArray());

    public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(clusters.Select(c => c.Cluster).FirstOrDefault(c => c.Name == name));
}

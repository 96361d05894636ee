using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Testing;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// What one policy-text event costs the wizard's server with eight policies of 14 KB (issue 27, the review's case):
/// the draft's check after the change, and the parse each of the eight policy editors does when the step redraws.
/// The event changes one character of policy 3; every other policy is unchanged.
/// </summary>
[MemoryDiagnoser]
public class PolicyEventBenchmarks
{
    private ClusterRules rules = default!;
    private RegistryMemo memo = default!;
    private ClusterDraft draft = default!;
    private string[] variants = default!;
    private int key;

    [GlobalSetup]
    public void Setup()
    {
        rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        memo = new RegistryMemo(EmptyClusterRegistry.Instance);
        draft = HostileDrafts.EightPolicies();
        // two texts of policy 3 that differ in one port number: typing alternates between them
        variants = [draft.NetworkPolicies[3], draft.NetworkPolicies[3].Replace("port: 7,", "port: 8,", StringComparison.Ordinal)];
        if (variants[0] == variants[1]) throw new InvalidOperationException("the policy has no port 7 to change");
    }

    [Benchmark]
    public async Task<int> OnePolicyEdit()
    {
        draft.NetworkPolicies[3] = variants[key++ & 1];
        var check = await rules.CheckAsync(draft.Clone(), memo);
        var parsed = 0;
        for (var i = 0; i < draft.NetworkPolicies.Count; i++)
            if (PolicyText.Parse(draft.NetworkPolicies[i]).Policy is not null) parsed++; // each editor's render
        return check.Failures.Count + parsed;
    }
}

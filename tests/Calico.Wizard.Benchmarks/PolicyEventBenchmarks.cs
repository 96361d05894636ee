using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Testing;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// What one policy-text event costs the wizard's server with eight policies of 14 KB (issue 27, the review's case):
/// the draft's check after the change, and the parse each of the eight policy editors does when the step redraws.
/// The event changes one character of policy 3; every other policy is unchanged. <see cref="EveryPolicyRead"/> is
/// the wizard before issue 27 (each check and each editor's render read every policy again, with today's reader);
/// <see cref="WizardNow"/> is the wizard now: its <see cref="PolicyMemo"/> reads a policy text once, for the check
/// and the editors alike. The figures from before the change (201.6 ms, 134.6 MB per event) are in docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class PolicyEventBenchmarks
{
    private ClusterRules rules = default!;
    private RegistryMemo memo = default!;
    private PolicyMemo policies = default!;
    private ClusterDraft draft = default!;
    private string[] variants = default!;
    private int key;

    [GlobalSetup]
    public void Setup()
    {
        rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        memo = new RegistryMemo(EmptyClusterRegistry.Instance);
        policies = new PolicyMemo();
        draft = HostileDrafts.EightPolicies();
        // two texts of policy 3 that differ in one port number: typing alternates between them
        variants = [draft.NetworkPolicies[3], draft.NetworkPolicies[3].Replace("port: 7,", "port: 8,", StringComparison.Ordinal)];
        if (variants[0] == variants[1]) throw new InvalidOperationException("the policy has no port 7 to change");
    }

    [Benchmark(Baseline = true)]
    public async Task<int> EveryPolicyRead()
    {
        draft.NetworkPolicies[3] = variants[key++ & 1];
        var check = await rules.CheckAsync(draft.Clone(), memo);
        var parsed = 0;
        for (var i = 0; i < draft.NetworkPolicies.Count; i++)
            if (PolicyText.Parse(draft.NetworkPolicies[i]).Policy is not null) parsed++; // each editor's render
        return check.Failures.Count + parsed;
    }

    [Benchmark]
    public async Task<int> WizardNow()
    {
        draft.NetworkPolicies[3] = variants[key++ & 1];
        var check = await rules.CheckAsync(draft.Clone(), memo, policies);
        policies.Retain(draft);
        var parsed = 0;
        for (var i = 0; i < draft.NetworkPolicies.Count; i++)
            if (policies.Read(draft.NetworkPolicies[i]).Parsed.Policy is not null) parsed++; // each editor's render
        return check.Failures.Count + parsed;
    }
}

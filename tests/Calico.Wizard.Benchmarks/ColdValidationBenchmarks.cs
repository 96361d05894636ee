using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using FluentValidation;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// The rules as a keystroke meets them in the running app (issue 16): with the caches cold. Between two keys the app
/// renders, writes to SignalR and Chromium runs on the same cores, so the whole-draft check the wizard runs per key
/// measures several times slower there (a Stopwatch around it in the app: p50 216–246 µs) than in a tight loop
/// (<see cref="ValidationBenchmarks"/>). Before each single invocation the iteration setup touches 32 MB (one byte per
/// cache line: more than this machine's 2 MB L2 per core), as the work between two keys does; only the check is timed.
/// Also measured: the check restricted to the rules of the typed field's family — the address fields, which are
/// the only rules that read a typed range (FluentValidation's <c>IncludeProperties</c>) — the "run only the rules
/// the changed field can affect" of issue 16. And FluentValidation's synchronous path against its asynchronous one,
/// over the rules that ask no registry (the synchronous path refuses the others).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
[WarmupCount(20)]
[IterationCount(300)]
public class ColdValidationBenchmarks
{
    private static readonly string[] AddressFields =
    [
        nameof(ClusterDraft.L2Network), nameof(ClusterDraft.ContainersCidr), nameof(ClusterDraft.ServicesCidr),
        nameof(ClusterDraft.ContainersCidrV6), nameof(ClusterDraft.ServicesCidrV6), nameof(ClusterDraft.NodeNetworks),
        nameof(ClusterDraft.BlockSize), nameof(ClusterDraft.BlockSizeV6), nameof(ClusterDraft.NodeAddressDetectionValue),
        nameof(ClusterDraft.NodeAddressDetectionValueV6),
    ];

    private static readonly string[] RulesWithoutRegistry =
    [
        nameof(ClusterDraft.Provider), nameof(ClusterDraft.MachineKind), nameof(ClusterDraft.L2Network), nameof(ClusterDraft.PlannedNodes),
        nameof(ClusterDraft.NetworkStack), nameof(ClusterDraft.NodeNetworks), nameof(ClusterDraft.Backend), nameof(ClusterDraft.NetworkPolicies),
        nameof(ClusterDraft.EncapsulationMode), nameof(ClusterDraft.Overlay), nameof(ClusterDraft.Bgp), nameof(ClusterDraft.Dataplane),
        nameof(ClusterDraft.NatOutgoing), nameof(ClusterDraft.BlockSize), nameof(ClusterDraft.Mtu), nameof(ClusterDraft.NodeNetworkMtu),
        nameof(ClusterDraft.NodeAddressDetection), nameof(ClusterDraft.NodeAddressDetectionValue),
    ];

    private readonly byte[] junk = new byte[32 << 20];
    private ClusterRules rules = default!;
    private ClusterDraftValidator validator = default!;
    private RegistryMemo memo = default!;
    private ClusterDraft draft = default!;
    private ClusterDraft next = default!;
    private int key;

    [GlobalSetup]
    public void Setup()
    {
        rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        validator = new ClusterDraftValidator(ProviderMatrix.Seed);
        memo = new RegistryMemo(EmptyClusterRegistry.Instance);
        draft = Drafts.Valid("side-keys", "rack-side");
    }

    /// <summary>The side-by-side's next key (the Containers CIDR flips between valid and out of range), then cold caches.</summary>
    [IterationSetup]
    public void NextKeyWithColdCaches()
    {
        draft.ContainersCidr = key++ % 2 == 0 ? "10.100.0.0/169" : "10.100.0.0/16";
        next = draft.Clone();
        for (var i = 0; i < junk.Length; i += 64) junk[i]++;
    }

    [Benchmark(Baseline = true)]
    public Task<DraftCheck> WholeDraft() => rules.CheckAsync(next, memo);

    [Benchmark]
    public async Task<int> AddressRulesOnly()
    {
        var context = ValidationContext<ClusterDraft>.CreateWithOptions(next, o => o.IncludeProperties(AddressFields));
        context.RootContextData[ClusterDraftValidator.RegistryKey] = memo;
        return (await validator.ValidateAsync(context)).Errors.Count;
    }

    [Benchmark]
    public async Task<int> RulesWithoutRegistry_async() =>
        (await validator.ValidateAsync(ValidationContext<ClusterDraft>.CreateWithOptions(next, o => o.IncludeProperties(RulesWithoutRegistry)))).Errors.Count;

    [Benchmark]
    public int RulesWithoutRegistry_sync() =>
        validator.Validate(ValidationContext<ClusterDraft>.CreateWithOptions(next, o => o.IncludeProperties(RulesWithoutRegistry))).Errors.Count;
}

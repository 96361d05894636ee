using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using FluentValidation;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// The rules as a keystroke meets them in the running app (issue 16): with the caches cold. Between two keys the app
/// renders, writes to SignalR and Chromium runs on the same cores, so the whole-draft check the wizard runs per key
/// measures several times slower there (a Stopwatch around it in the app: p50 216–246 µs) than in a tight loop.
/// Each benchmark first touches 32 MB (one byte per cache line), as the work between two keys does; the
/// <see cref="Touch_only"/> baseline is that touch alone, so a check's cold cost is its row minus the baseline's.
/// Also measured: the check restricted to the rules of the typed field's family — the address fields, which are
/// the only rules that read a typed range (FluentValidation's <c>IncludeProperties</c>) — the "run only the rules
/// the changed field can affect" of issue 16.
/// </summary>
[MemoryDiagnoser]
public class ColdValidationBenchmarks
{
    private static readonly string[] AddressFields =
    [
        nameof(ClusterDraft.L2Network), nameof(ClusterDraft.ContainersCidr), nameof(ClusterDraft.ServicesCidr),
        nameof(ClusterDraft.ContainersCidrV6), nameof(ClusterDraft.ServicesCidrV6), nameof(ClusterDraft.NodeNetworks),
        nameof(ClusterDraft.BlockSize), nameof(ClusterDraft.BlockSizeV6), nameof(ClusterDraft.InterfaceDetectionValue),
        nameof(ClusterDraft.InterfaceDetectionValueV6),
    ];

    private readonly byte[] junk = new byte[32 << 20];
    private ClusterRules rules = default!;
    private ClusterDraftValidator validator = default!;
    private RegistryMemo memo = default!;
    private ClusterDraft draft = default!;
    private int key;

    [GlobalSetup]
    public void Setup()
    {
        rules = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        validator = new ClusterDraftValidator(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        memo = new RegistryMemo(EmptyClusterRegistry.Instance);
        draft = Drafts.Valid("side-keys", "rack-side");
    }

    /// <summary>The side-by-side's keys: the Containers CIDR flips between valid and out of range.</summary>
    private ClusterDraft NextKey()
    {
        draft.ContainersCidr = key++ % 2 == 0 ? "10.100.0.0/169" : "10.100.0.0/16";
        return draft.Clone();
    }

    private void TouchCaches()
    {
        for (var i = 0; i < junk.Length; i += 64) junk[i]++;
    }

    [Benchmark(Baseline = true)]
    public int Touch_only()
    {
        TouchCaches();
        return NextKey().ContainersCidr.Length;
    }

    [Benchmark]
    public Task<DraftCheck> WholeDraft_cold()
    {
        TouchCaches();
        return rules.CheckAsync(NextKey(), memo);
    }

    [Benchmark]
    public async Task<int> AddressRulesOnly_cold()
    {
        TouchCaches();
        var context = ValidationContext<ClusterDraft>.CreateWithOptions(NextKey(), o => o.IncludeProperties(AddressFields));
        context.RootContextData[ClusterDraftValidator.RegistryKey] = memo;
        return (await validator.ValidateAsync(context)).Errors.Count;
    }

    [Benchmark]
    public Task<DraftCheck> WholeDraft_warm() => rules.CheckAsync(NextKey(), memo);
}

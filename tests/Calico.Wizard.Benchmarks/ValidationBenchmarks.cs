using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Store;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// The rules as the wizard runs them on every keystroke (the whole draft, <see cref="ClusterRules.CheckAsync"/>)
/// and as a form's per-field validation asks for one field (<see cref="ClusterRules.CheckFieldAsync"/>). "Empty" is
/// the pure rules (no registry: <see cref="EmptyClusterRegistry"/>); "Store" asks the SQLite registry of 100k
/// clusters (<see cref="ClusterSeed"/>), on the realistic network rack-00000 (20 clusters), with free ranges.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private ClusterRules empty = default!;
    private ClusterRules store = default!;
    private ClusterDraft draft = default!;

    [GlobalSetup]
    public void Setup()
    {
        empty = new ClusterRules(ProviderMatrix.Seed, EmptyClusterRegistry.Instance);
        store = new ClusterRules(ProviderMatrix.Seed, new StoreClusterRegistry(ClusterSeed.Open(100_000)));
        draft = Drafts.Valid("perf-new", ClusterSeed.SpreadNetwork);
        foreach (var rules in new[] { empty, store })
            if (rules.CheckAsync(draft).GetAwaiter().GetResult() is { IsValid: false } check)
                throw new InvalidOperationException("the draft must be valid: " + string.Join("; ", check.Errors.Select(e => e.ErrorMessage)));
    }

    [Benchmark(Baseline = true)]
    public Task<DraftCheck> WholeSpec_EmptyRegistry() => empty.CheckAsync(draft);

    [Benchmark]
    public Task<DraftCheck> WholeSpec_StoreRegistry() => store.CheckAsync(draft);

    [Benchmark]
    public Task<IReadOnlyList<string>> Field_ContainersCidr_EmptyRegistry() => empty.CheckFieldAsync(draft, nameof(ClusterDraft.ContainersCidr));

    [Benchmark]
    public Task<IReadOnlyList<string>> Field_ContainersCidr_StoreRegistry() => store.CheckFieldAsync(draft, nameof(ClusterDraft.ContainersCidr));

    [Benchmark]
    public Task<IReadOnlyList<string>> Field_BlockSize() => empty.CheckFieldAsync(draft, nameof(ClusterDraft.BlockSize));
}

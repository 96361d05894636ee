using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;

namespace Calico.Wizard.Benchmarks;

/// <summary>A spec to the YAML the Review step shows and the job applies (<see cref="ManifestRenderer.ToYaml(ClusterSpec)"/>).</summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private ClusterSpec calico = default!, calicoWithPolicy = default!, flannel = default!;

    [GlobalSetup]
    public void Setup()
    {
        calico = Drafts.Valid("perf-render", "rack-a").ToSpec();
        var withPolicy = Drafts.Valid("perf-render", "rack-a");
        withPolicy.NetworkPolicies = [Drafts.SamplePolicy];
        calicoWithPolicy = withPolicy.ToSpec();
        var f = Drafts.Valid("perf-render", "rack-a");
        f.Backend = NetworkBackend.Flannel;
        flannel = f.ToSpec();
    }

    [Benchmark(Baseline = true)]
    public string Calico_Installation() => ManifestRenderer.ToYaml(calico);

    [Benchmark]
    public string Calico_WithNetworkPolicy() => ManifestRenderer.ToYaml(calicoWithPolicy);

    [Benchmark]
    public string Flannel_ConfigMap() => ManifestRenderer.ToYaml(flannel);
}

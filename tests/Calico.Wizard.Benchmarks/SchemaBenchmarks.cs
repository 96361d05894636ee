using BenchmarkDotNet.Attributes;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Provisioning.Targets.Schemas;

namespace Calico.Wizard.Benchmarks;

/// <summary>
/// The operator CRD schema check: building the schema from the 1.5 MB Installation CRD (once per process, on the first
/// dry-run job or preflight) and judging one rendered Installation with it (every job, every preflight).
/// </summary>
[MemoryDiagnoser]
public class SchemaBenchmarks
{
    private string crdYaml = "";
    private object installation = default!;

    [GlobalSetup]
    public void Setup()
    {
        using var stream = typeof(InstallationSchema).Assembly.GetManifestResourceStream(InstallationSchema.File)!;
        crdYaml = new StreamReader(stream).ReadToEnd();
        installation = ManifestRenderer.Render(Drafts.Valid("perf-schema", "rack-a").ToSpec())[0].Body;
        _ = InstallationSchema.Vendored;
    }

    [Benchmark]
    public CrdSchema? Build_from_the_operator_crd() => CrdSchema.Of(crdYaml, Tigera.Version);

    [Benchmark(Baseline = true)]
    public int Check_one_installation() => InstallationSchema.Vendored.Check(installation).Count;
}

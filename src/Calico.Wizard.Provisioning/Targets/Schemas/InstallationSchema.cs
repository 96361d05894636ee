using Calico.Wizard.Core.Rendering;

namespace Calico.Wizard.Provisioning.Targets.Schemas;

/// <summary>
/// The Tigera operator's Installation CRD this build carries (see README.md beside it): what the dry-run target checks
/// every rendered Installation against, with no cluster to ask. Read and built once, on first use.
/// </summary>
public static class InstallationSchema
{
    public const string File = "operator.tigera.io_installations.yaml";
    public const string OperatorCommit = "40788b9b6bef9d94e77b2e0d7a5eed7e17e2364c";

    private static readonly Lazy<CrdSchema> Schema = new(() =>
    {
        using var stream = typeof(InstallationSchema).Assembly.GetManifestResourceStream(File)
            ?? throw new InvalidOperationException($"{File} is not embedded in {typeof(InstallationSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return CrdSchema.Of(reader.ReadToEnd(), Tigera.Version) ?? throw new InvalidOperationException($"{File} serves no {Tigera.Version} schema.");
    });

    public static CrdSchema Vendored => Schema.Value;

    /// <summary>"tigera/operator@40788b9", how messages name where the schema came from.</summary>
    public static string Source => $"tigera/operator@{OperatorCommit[..7]}";
}

using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Provisioning.Targets.Schemas;
using static System.FormattableString;

namespace Calico.Wizard.Provisioning.Targets;

/// <summary>The default target: renders the manifests, checks them as an API server would, stores them; nothing to connect to.</summary>
public sealed class DryRunTarget(Microsoft.Extensions.Options.IOptions<Jobs.ProvisioningOptions>? options = null) : IProvisioningTarget
{
    private readonly TimeSpan delay = options?.Value.DryRunStepDelay ?? TimeSpan.Zero;

    public const string TargetName = "dry-run";
    public const string SchemaStep = "Check the Installation against the Tigera operator's CRD schema";
    public string Name => TargetName;
    public string Description => "Dry run: render and store the manifests, apply nothing";

    public IReadOnlyList<PlannedStep> Plan(Core.Drafts.ClusterSpec spec, IReadOnlyList<RenderedObject> objects) =>
    [
        new("Render manifests", async (ctx, ct) =>
            await Delayed(ct, $"{ctx.Objects.Count} object(s): {string.Join(", ", ctx.Objects.Select(o => o.Key))}")),
        .. objects.Any(o => o.Kind == Tigera.InstallationKind)
            ? [new PlannedStep(SchemaStep, async (ctx, ct) => await Delayed(ct, CheckSchema(ctx.Objects)))]
            : Array.Empty<PlannedStep>(),
        new("Store manifests (dry run: nothing applied)", async (ctx, ct) =>
            await Delayed(ct, Invariant($"{ctx.ManifestYaml.Length:N0} bytes of YAML stored with the job; apply them by hand with kubectl"))),
    ];

    /// <summary>What an API server with this build's operator CRD would say, strict about undeclared fields.</summary>
    private static string CheckSchema(IReadOnlyList<RenderedObject> objects)
    {
        var installations = objects.Where(o => o.Kind == Tigera.InstallationKind).ToList();
        var violations = installations.SelectMany(o => InstallationSchema.Vendored.Check(o.Body).Select(v => $"{o.Key}: {v}")).ToList();
        if (violations.Count > 0)
            throw new InvalidOperationException(
                $"The Tigera operator's Installation CRD ({InstallationSchema.Source}) refuses: {string.Join("; ", violations)}.");
        return $"{string.Join(", ", installations.Select(o => o.Key))} valid against the Installation CRD of {InstallationSchema.Source} " +
            "(every field declared, types and enums as the API server checks them)";
    }

    private async Task<StepOutcome> Delayed(CancellationToken ct, string message)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
        return message;
    }
}

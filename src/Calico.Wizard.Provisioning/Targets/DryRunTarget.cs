using static System.FormattableString;

namespace Calico.Wizard.Provisioning.Targets;

/// <summary>The default target: renders and stores the manifests; nothing to connect to.</summary>
public sealed class DryRunTarget : IProvisioningTarget
{
    public const string TargetName = "dry-run";
    public string Name => TargetName;
    public string Description => "Dry run: render and store the manifests, apply nothing";

    public IReadOnlyList<PlannedStep> Plan(Core.Drafts.ClusterSpec spec) =>
    [
        new("Render manifests", (ctx, _) =>
            Task.FromResult($"{ctx.Objects.Count} object(s): {string.Join(", ", ctx.Objects.Select(o => o.Key))}")),
        new("Store manifests (dry run: nothing applied)", (ctx, _) =>
            Task.FromResult(Invariant($"{ctx.ManifestYaml.Length:N0} bytes of YAML stored with the job; apply them by hand with kubectl"))),
    ];
}

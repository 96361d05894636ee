using static System.FormattableString;

namespace Calico.Wizard.Provisioning.Targets;

/// <summary>The default target: renders and stores the manifests; nothing to connect to.</summary>
public sealed class DryRunTarget(Microsoft.Extensions.Options.IOptions<Jobs.ProvisioningOptions>? options = null) : IProvisioningTarget
{
    private readonly TimeSpan delay = options?.Value.DryRunStepDelay ?? TimeSpan.Zero;

    public const string TargetName = "dry-run";
    public string Name => TargetName;
    public string Description => "Dry run: render and store the manifests, apply nothing";

    public IReadOnlyList<PlannedStep> Plan(Core.Drafts.ClusterSpec spec, IReadOnlyList<Core.Rendering.RenderedObject> objects) =>
    [
        new("Render manifests", async (ctx, ct) =>
            await Delayed(ct, $"{ctx.Objects.Count} object(s): {string.Join(", ", ctx.Objects.Select(o => o.Key))}")),
        new("Store manifests (dry run: nothing applied)", async (ctx, ct) =>
            await Delayed(ct, Invariant($"{ctx.ManifestYaml.Length:N0} bytes of YAML stored with the job; apply them by hand with kubectl"))),
    ];

    private async Task<string> Delayed(CancellationToken ct, string message)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
        return message;
    }
}

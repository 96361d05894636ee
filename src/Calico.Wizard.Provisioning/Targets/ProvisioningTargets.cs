using Calico.Wizard.Provisioning.Jobs;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning.Targets;

/// <summary>The targets configured on this server, and the one rule for which of them a draft goes to.</summary>
public sealed class ProvisioningTargets(IEnumerable<IProvisioningTarget> targets, IOptions<ProvisioningOptions> options)
{
    public IReadOnlyList<IProvisioningTarget> All { get; } = targets.ToArray();

    /// <summary>A draft names its target, or leaves it blank for the server's default.</summary>
    public string Resolve(string? draftTarget) => string.IsNullOrWhiteSpace(draftTarget) ? options.Value.DefaultTarget : draftTarget;

    public IProvisioningTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>The description of the target a draft goes to (its name when it is not configured).</summary>
    public string Describe(string? draftTarget) => Resolve(draftTarget) is var name && Find(name) is { } t ? t.Description : name;

    /// <summary>Null when the draft's target is configured here, else the message that names the choices.</summary>
    public string? Check(string? draftTarget) => Find(Resolve(draftTarget)) is not null ? null
        : $"Target '{Resolve(draftTarget)}' is not configured on this server: choose one of {string.Join(", ", All.Select(t => t.Name))}.";
}

using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;

namespace Calico.Wizard.Provisioning.Targets;

/// <summary>One step of a job, as the target plans it and the worker runs and records it.</summary>
public sealed record PlannedStep(string Name, Func<StepContext, CancellationToken, Task<StepOutcome>> Run);

/// <summary>How a step ended without an error: done (a string converts to that), or skipped with the reason.</summary>
public sealed record StepOutcome(string Message, bool Skipped = false)
{
    public static implicit operator StepOutcome(string message) => new(message);

    /// <summary>Nothing to do here (shown as Skipped, with why): a retry or a resume passes it too.</summary>
    public static StepOutcome Skip(string why) => new(why, Skipped: true);
}

/// <summary>What a step works with: the spec, the objects rendered from it (and their YAML), a log.</summary>
public sealed record StepContext(Guid ClusterId, ClusterSpec Spec, IReadOnlyList<RenderedObject> Objects, string ManifestYaml, Action<string> Log);

/// <summary>Somewhere a cluster spec can be deployed: the dry-run store, or a real cluster.</summary>
public interface IProvisioningTarget
{
    string Name { get; }
    string Description { get; }
    /// <summary>The steps that deploy <paramref name="objects"/> (rendered from <paramref name="spec"/> once, at submit).</summary>
    IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects);
}

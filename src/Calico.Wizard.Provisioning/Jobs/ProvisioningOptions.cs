using Calico.Wizard.Provisioning.Targets;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>The "Provisioning" section of appsettings.json.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Where new clusters go unless the operator picks another target.</summary>
    public string DefaultTarget { get; set; } = DryRunTarget.TargetName;

    /// <summary>How long a replica owns a running job without renewing; after it, another replica takes the job over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a replica looks in the store for jobs it can claim (new ones here are picked up at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many times a job is claimed without finishing a step before it fails ("gave up after N attempts"): a
    /// step that takes its process down (or a worker that dies in it every time) does not go round for ever.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Slows each dry-run step (demos and failover drills); zero by default.</summary>
    public TimeSpan DryRunStepDelay { get; set; } = TimeSpan.Zero;

    public TimeSpan HeartbeatInterval => TimeSpan.FromTicks(Math.Min(LeaseDuration.Ticks / 3, TimeSpan.FromSeconds(2).Ticks));
}

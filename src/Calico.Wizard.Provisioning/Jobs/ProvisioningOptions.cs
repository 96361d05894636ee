using Calico.Wizard.Provisioning.Targets;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>The "Provisioning" section of appsettings.json.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Where new clusters go unless the operator picks another target.</summary>
    public string DefaultTarget { get; set; } = DryRunTarget.TargetName;
}

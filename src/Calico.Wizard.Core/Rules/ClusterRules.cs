using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using FluentValidation;
using FluentValidation.Results;

namespace Calico.Wizard.Core.Rules;

public enum WizardStep { Cluster, Network, Policies, Review }

/// <summary>The one entry point to the rules: the wizard, the API, the headless path and the provisioner all call it.</summary>
public sealed class ClusterRules(ProviderMatrix matrix, IClusterRegistry registry)
{
    private readonly ClusterDraftValidator validator = new(matrix, registry);

    public ProviderMatrix Matrix => matrix;

    /// <summary>Every rule on the whole draft; the spec only when nothing blocks.</summary>
    public Task<DraftCheck> CheckAsync(ClusterDraft draft, CancellationToken cancellationToken = default) => CheckAsync(draft, null, cancellationToken);

    /// <param name="registry">The registry the rules ask instead of the one this was built with (a wizard's memo of its answers).</param>
    public async Task<DraftCheck> CheckAsync(ClusterDraft draft, IClusterRegistry? registry, CancellationToken cancellationToken = default)
    {
        // Out-of-bounds input is refused as it is, before any rule parses it.
        var bounds = DraftFields.OutOfBounds(draft).Select(b => new ValidationFailure(b.Property, b.Message)).ToArray();
        if (bounds.Length > 0) return new DraftCheck(bounds);
        var context = new ValidationContext<ClusterDraft>(draft);
        if (registry is not null) context.RootContextData[ClusterDraftValidator.RegistryKey] = registry;
        var result = await validator.ValidateAsync(context, cancellationToken);
        var check = new DraftCheck(result.Errors);
        return check.IsValid ? check with { Spec = BuildSpec(draft) } : check;
    }

    /// <summary>The rules of one field (what a form's per-field validation asks for).</summary>
    public async Task<IReadOnlyList<string>> CheckFieldAsync(ClusterDraft draft, string property, CancellationToken cancellationToken = default)
    {
        var context = ValidationContext<ClusterDraft>.CreateWithOptions(draft, o => o.IncludeProperties(property));
        var result = await validator.ValidateAsync(context, cancellationToken);
        return result.Errors.Where(e => e.Severity == Severity.Error).Select(e => e.ErrorMessage).ToArray();
    }

    /// <summary>IPs per node and the largest node count, when the containers CIDR and block size are valid.</summary>
    public static BlockCapacity? CapacityOf(ClusterDraft draft) => CapacityOf(draft.ContainersCidr, draft.BlockSize, draft.NetworkStack);

    /// <summary>The same for a dual-stack draft's IPv6 pool.</summary>
    public static BlockCapacity? CapacityOfV6(ClusterDraft draft) =>
        draft.IsDualStack ? CapacityOf(draft.ContainersCidrV6, draft.BlockSizeV6, NetworkStack.IPv6) : null;

    private static BlockCapacity? CapacityOf(string containersText, string blockText, NetworkStack family)
    {
        var containers = StrictCidr.Parse(containersText, family);
        var (min, max) = BlockCapacity.Range(family);
        var block = WholeNumber.Parse(blockText, min, max, "");
        if (!containers.Ok || !block.Ok || block.Value < containers.Value.PrefixLength) return null;
        return BlockCapacity.Of(containers.Value.PrefixLength, block.Value, family);
    }

    private static ClusterSpec BuildSpec(ClusterDraft d) => new(
        d.Id,
        d.Name,
        d.Provider,
        d.MachineKind,
        d.L2Network.Trim(),
        int.Parse(d.PlannedNodes.Trim()),
        d.NetworkStack,
        StrictCidr.Parse(d.ContainersCidr, d.NetworkStack).Value,
        StrictCidr.Parse(d.ServicesCidr, d.NetworkStack).Value,
        d.Backend,
        d.Backend == NetworkBackend.Calico
            ? new CalicoOptions(d.IpInIpMode, d.NatOutgoing, int.Parse(d.BlockSize.Trim()), d.MtuAuto ? null : int.Parse(d.Mtu.Trim()), d.InterfaceDetection,
                ValueOf(d.InterfaceDetection, d.InterfaceDetectionValue), d.Overlay, d.Bgp, d.Dataplane,
                d.IsDualStack ? int.Parse(d.BlockSizeV6.Trim()) : null,
                d.IsDualStack ? d.InterfaceDetectionV6 : InterfaceDetection.FirstFound,
                d.IsDualStack ? ValueOf(d.InterfaceDetectionV6, d.InterfaceDetectionValueV6) : null)
            : null,
            // as the operator wrote them (the rules read exactly this text); the manifests write them out again
            d.NetworkPolicies.Count == 0 ? null : [.. d.NetworkPolicies],
            NodeNetworkRule.Parse(d.NodeNetworks, d.NetworkStack).Networks is { Count: > 0 } nodes ? nodes.Select(n => n.ToString()).ToArray() : null,
            d.IsDualStack ? StrictCidr.Parse(d.ContainersCidrV6, NetworkStack.IPv6).Value : null,
            d.IsDualStack ? StrictCidr.Parse(d.ServicesCidrV6, NetworkStack.IPv6).Value : null);

    private static string? ValueOf(InterfaceDetection method, string value) =>
        method is InterfaceDetection.FirstFound or InterfaceDetection.Kubernetes ? null : value.Trim();
}

/// <summary>What the rules found: errors block, warnings inform.</summary>
public sealed record DraftCheck(IReadOnlyList<ValidationFailure> Failures)
{
    public ClusterSpec? Spec { get; init; }

    public bool IsValid => !Failures.Any(f => f.Severity == Severity.Error);

    public IEnumerable<ValidationFailure> Errors => Failures.Where(f => f.Severity == Severity.Error);

    public IEnumerable<ValidationFailure> Warnings => Failures.Where(f => f.Severity == Severity.Warning);

    public IReadOnlyList<string> ErrorsFor(string property) =>
        Errors.Where(f => f.PropertyName == property).Select(f => f.ErrorMessage).ToArray();

    public string? FirstErrorFor(string property) => ErrorsFor(property).FirstOrDefault();

    public bool StepIsValid(WizardStep step) =>
        !Errors.Any(f => DraftFields.StepOf(f.PropertyName) == step);

    public IEnumerable<ValidationFailure> WarningsFor(WizardStep step) =>
        Warnings.Where(f => DraftFields.StepOf(f.PropertyName) == step);

    public IEnumerable<ValidationFailure> ErrorsFor(WizardStep step) =>
        Errors.Where(f => DraftFields.StepOf(f.PropertyName) == step);
}

using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Providers;
using FluentValidation;
using Calico.Wizard.Core.Resources;
using FluentValidation.Results;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Rules;

public enum WizardStep { Cluster, Network, Policies, Review }

/// <summary>
/// The one entry point to the rules: the wizard, the API, the headless path and the provisioner all call it. A check
/// is the content rules (<see cref="ClusterDraftValidator"/>: the draft alone decides them) and the registry rules
/// (<see cref="RegistryRules"/>: asked afresh every time). The server's checks keep the content rules' result, with
/// the spec and its manifests, by the draft's content hash (<see cref="CheckedDrafts"/>): the manifests GET, the
/// submit and the provisioner's own check of an unchanged draft run only the registry's two seeks.
/// </summary>
public sealed class ClusterRules(ProviderMatrix matrix, IClusterRegistry registry)
{
    private readonly ClusterDraftValidator content = new(matrix);
    private readonly RegistryRules fleet = new(registry);
    private readonly CheckedDrafts checkedDrafts = new();

    public ProviderMatrix Matrix => matrix;

    /// <summary>Every rule on the whole draft; the spec only when nothing blocks. The content rules' result is kept by the draft's content hash.</summary>
    public async Task<DraftCheck> CheckAsync(ClusterDraft draft, CancellationToken cancellationToken = default)
    {
        if (Bounds(draft) is { } refused) return refused;
        var known = checkedDrafts.Get(draft, out var key);
        var contentCheck = known ?? checkedDrafts.Keep(key, await CheckContentAsync(draft, null, cancellationToken));
        return await WithRegistryAsync(draft, contentCheck, null, cancellationToken);
    }

    /// <summary>
    /// The wizard's check on every change: nothing kept by hash (every keystroke is new content), but its memos read
    /// each policy text and registry answer once.
    /// </summary>
    /// <param name="registry">The registry the rules ask instead of the one this was built with (a wizard's memo of its answers).</param>
    /// <param name="policies">The wizard's policies, each text read once across checks.</param>
    public async Task<DraftCheck> CheckAsync(ClusterDraft draft, IClusterRegistry? registry, Policies.PolicyMemo? policies = null,
        CancellationToken cancellationToken = default)
    {
        if (Bounds(draft) is { } refused) return refused;
        var contentCheck = await CheckContentAsync(draft, policies, cancellationToken);
        return await WithRegistryAsync(draft, contentCheck, registry, cancellationToken);
    }

    /// <summary>Out-of-bounds input is refused as it is, before any rule parses it.</summary>
    private static DraftCheck? Bounds(ClusterDraft draft)
    {
        var bounds = DraftFields.OutOfBounds(draft).Select(b => new ValidationFailure(b.Property, b.Message)).ToArray();
        return bounds.Length > 0 ? new DraftCheck(bounds) : null;
    }

    private async Task<DraftCheck> CheckContentAsync(ClusterDraft draft, Policies.PolicyMemo? policies, CancellationToken cancellationToken)
    {
        // the policies read once, for the rules and for the manifests alike (a check of its own when no wizard lends one)
        policies ??= new Policies.PolicyMemo();
        var context = new ValidationContext<ClusterDraft>(draft);
        context.RootContextData[ClusterDraftValidator.PoliciesKey] = policies;
        var result = await content.ValidateAsync(context, cancellationToken);
        var check = new DraftCheck(Bounded(result.Errors));
        return check.IsValid ? check.WithSpec(BuildSpec(draft), policies) : check;
    }

    /// <summary>The content check with the registry's answers added: each field's content errors first, as before the split.</summary>
    private async Task<DraftCheck> WithRegistryAsync(ClusterDraft draft, DraftCheck contentCheck, IClusterRegistry? registry,
        CancellationToken cancellationToken)
    {
        var context = new ValidationContext<ClusterDraft>(draft);
        if (registry is not null) context.RootContextData[ClusterDraftValidator.RegistryKey] = registry;
        var result = await fleet.ValidateAsync(context, cancellationToken);
        return result.Errors.Count == 0 ? contentCheck : new DraftCheck(Bounded([.. contentCheck.Failures, .. result.Errors]));
    }

    /// <summary>The rules of one field (what a form's per-field validation asks for).</summary>
    public async Task<IReadOnlyList<string>> CheckFieldAsync(ClusterDraft draft, string property, CancellationToken cancellationToken = default)
    {
        var context = ValidationContext<ClusterDraft>.CreateWithOptions(draft, o => o.IncludeProperties(property));
        var registryContext = ValidationContext<ClusterDraft>.CreateWithOptions(draft, o => o.IncludeProperties(property));
        var errors = (await content.ValidateAsync(context, cancellationToken)).Errors
            .Concat((await fleet.ValidateAsync(registryContext, cancellationToken)).Errors);
        return errors.Where(e => e.Severity == Severity.Error).Select(e => e.ErrorMessage).ToArray();
    }

    /// <summary>IPs per node and the largest node count, when the containers CIDR and block size are valid.</summary>
    public static BlockCapacity? CapacityOf(ClusterDraft draft) => CapacityOf(draft.ContainersCidr, draft.BlockSize, draft.NetworkStack);

    /// <summary>The same for a dual-stack draft's IPv6 pool.</summary>
    public static BlockCapacity? CapacityOfV6(ClusterDraft draft) =>
        draft.IsDualStack ? CapacityOf(draft.ContainersCidrV6, draft.BlockSizeV6, NetworkStack.IPv6) : null;

    /// <summary>The most errors one field or one policy shows; the rest are counted in one more line.</summary>
    public const int MaxErrorsPerField = 4;

    /// <summary>
    /// At most <see cref="MaxErrorsPerField"/> errors per field or policy, then "… and N more": a policy of 20,000
    /// invalid values is one problem to fix, not 20,000 lines to page through (or megabytes of 422).
    /// </summary>
    public static IReadOnlyList<ValidationFailure> Bounded(IReadOnlyList<ValidationFailure> failures)
    {
        var shown = new Dictionary<string, int>(StringComparer.Ordinal);
        var bounded = new List<ValidationFailure>(Math.Min(failures.Count, 256));
        var more = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in failures)
        {
            if (f.Severity != Severity.Error) { bounded.Add(f); continue; }
            if (f is { ErrorCode: MoreCode, CustomState: int counted }) // bounded before
            {
                more[f.PropertyName] = more.GetValueOrDefault(f.PropertyName) + counted;
                continue;
            }
            var count = shown.GetValueOrDefault(f.PropertyName);
            if (count < MaxErrorsPerField) { bounded.Add(f); shown[f.PropertyName] = count + 1; }
            else more[f.PropertyName] = more.GetValueOrDefault(f.PropertyName) + 1;
        }
        foreach (var (property, n) in more)
            bounded.Add(new ValidationFailure(property, Text.Format(Messages.MoreFindings, n)) { ErrorCode = MoreCode, CustomState = n });
        return bounded;
    }

    /// <summary>The error code of the "… and N more" line (its count in CustomState).</summary>
    public const string MoreCode = "MoreFindings";

    private static BlockCapacity? CapacityOf(string containersText, string blockText, NetworkStack family)
    {
        var containers = StrictCidr.Parse(containersText, family);
        var (min, max) = BlockCapacity.Range(family);
        var block = WholeNumber.Parse(blockText, min, max, "");
        if (!containers.Ok || !block.Ok || block.Value < containers.Value.PrefixLength) return null;
        return BlockCapacity.Of(containers.Value.PrefixLength, block.Value, family);
    }

    private static ClusterSpec BuildSpec(ClusterDraft d) => DraftFields.BuildSpec(d);
}

/// <summary>What the rules found: errors block, warnings inform.</summary>
public sealed record DraftCheck(IReadOnlyList<ValidationFailure> Failures)
{
    private readonly ClusterSpec? spec;
    private readonly Lazy<(string? Yaml, string? Problem)>? manifest;

    /// <summary>The spec, when nothing blocks.</summary>
    public ClusterSpec? Spec
    {
        get => spec;
        init
        {
            spec = value;
            manifest = value is null ? null : new(() => Rendering.ManifestRenderer.RenderReadable(value));
        }
    }

    /// <summary>
    /// The check with its spec, whose manifests are written from the readings of the policies the check already made.
    /// Only the manifests' factory holds them, and lets go once the manifests are written: a kept check does not keep them.
    /// </summary>
    internal DraftCheck WithSpec(ClusterSpec value, Policies.PolicyMemo policies) => this with { Spec = value, ManifestReadings = policies };

    private Policies.PolicyMemo? ManifestReadings
    {
        init
        {
            if (spec is { } s) manifest = new(() => Rendering.ManifestRenderer.RenderReadable(s, value));
        }
    }

    /// <summary>
    /// The spec's manifests, rendered and read back as the provisioner reads them (<see cref="Rendering.ManifestRenderer.RenderReadable"/>),
    /// once per check — and once per draft content on the server, where the check itself is kept.
    /// </summary>
    public (string? Yaml, string? Problem) Manifest => manifest?.Value ?? (null, null);

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

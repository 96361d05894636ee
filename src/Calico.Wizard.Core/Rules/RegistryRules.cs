using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Resources;
using FluentValidation;
using FluentValidation.Results;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Core.Rules;

/// <summary>
/// The rules that ask the fleet registry: the name is free, and no range overlaps another cluster's on the same L2
/// network (the seed's prerequisite). They run on every check, never from a cache: what they answer changes when
/// another cluster is submitted, while the draft does not.
/// </summary>
public sealed class RegistryRules : AbstractValidator<ClusterDraft>
{
    public RegistryRules(IClusterRegistry defaultRegistry)
    {
        RuleFor(d => d.Name).CustomAsync(async (name, ctx, ct) =>
        {
            if (HostName.CheckDns1123Label(name ?? "", LabelKind.ClusterName) is not null) return; // the content rules name the problem
            var existing = await Registry(ctx, defaultRegistry).FindByNameAsync(name!, ct);
            if (existing is not null && existing.DraftId != ctx.InstanceToValidate.Id)
                ctx.AddFailure(new ValidationFailure(ctx.PropertyPath, Text.Format(Messages.NameTaken, name))
                {
                    ErrorCode = ClusterDraftValidator.NameTakenCode,
                });
        });
        // The stack's ranges; on dual-stack these are the IPv4 ones and the V6 fields hold the IPv6 ones.
        RuleFor(d => d.ContainersCidr).CustomAsync((cidr, ctx, ct) =>
            CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, ctx.InstanceToValidate.NetworkStack, ct));
        RuleFor(d => d.ServicesCidr).CustomAsync((cidr, ctx, ct) =>
            CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, ctx.InstanceToValidate.NetworkStack, ct));
        When(d => d.IsDualStack, () =>
        {
            RuleFor(d => d.ContainersCidrV6).CustomAsync((cidr, ctx, ct) => CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, NetworkStack.IPv6, ct));
            RuleFor(d => d.ServicesCidrV6).CustomAsync((cidr, ctx, ct) => CheckRegistry(Registry(ctx, defaultRegistry), ctx, cidr, NetworkStack.IPv6, ct));
        });
    }

    /// <summary>The seed's prerequisite: no two clusters on one L2 network share a range (of either family).</summary>
    private static async Task CheckRegistry(IClusterRegistry registry, ValidationContext<ClusterDraft> ctx, string? text, NetworkStack family,
        CancellationToken ct)
    {
        var draft = ctx.InstanceToValidate;
        var mine = StrictCidr.Parse(text, family);
        if (!mine.Ok || string.IsNullOrWhiteSpace(draft.L2Network)) return;
        foreach (var other in await registry.OverlappingAsync(draft.Provider, draft.L2Network.Trim(), mine.Value, ct))
        {
            if (other.DraftId == draft.Id) continue;
            if (other.Ranges.FirstOrDefault(r => StrictCidr.Overlap(mine.Value, r.Cidr)) is { Name: not null } clash)
            {
                ctx.AddFailure(new ValidationFailure(ctx.PropertyPath,
                    Text.Format(Messages.RegistryOverlap, other.Name, UsedRange.Words(clash.Name), clash.Cidr, other.L2Network))
                {
                    ErrorCode = ClusterDraftValidator.RegistryOverlapCode,
                });
                return;
            }
        }
    }

    private static IClusterRegistry Registry(ValidationContext<ClusterDraft> ctx, IClusterRegistry fallback) =>
        ctx.RootContextData.TryGetValue(ClusterDraftValidator.RegistryKey, out var registry) && registry is IClusterRegistry given ? given : fallback;
}

using Calico.Wizard.Core.Drafts;
using Microsoft.Playwright;

namespace Calico.Wizard.Headless;

/// <summary>A spec value the wizard refused, as the wizard itself words it.</summary>
public sealed class SpecRejected(IReadOnlyList<(string Field, string Message)> errors) : Exception("the spec breaks the wizard's rules")
{
    public IReadOnlyList<(string Field, string Message)> Errors { get; } = errors;
}

/// <summary>Fills the real wizard step by step through its data-testid contract (docs/automation.md).</summary>
public sealed class WizardRobot(IPage page, Report report)
{
    private const float Quick = 5_000;

    public async Task<string> SubmitAsync(Uri baseUrl, DraftFile.Spec s)
    {
        await page.GotoAsync(new Uri(baseUrl, "/new").ToString());
        await page.Locator(BrowserContract.Interactive).WaitForAsync();

        // Cluster
        if (s.Provider is { } provider) await ChooseAsync($"provider-{provider.ToLowerInvariant()}", "provider", $"Provider '{provider}' is not offered by this wizard.");
        if (s.MachineKind is { } kind) await ChooseAsync($"machine-{kind.ToString().ToLowerInvariant()}", "machine-kind", $"{s.Provider} does not offer {kind.ToString().ToLowerInvariant()} machines.");
        await FillAsync("cluster-name", s.Name);
        await FillAsync("l2-network", s.L2Network);
        await FillAsync("planned-nodes", s.PlannedNodes);
        if (s.Target is { Length: > 0 } target) await ChooseAsync($"target-{target}", "target", $"Target '{target}' is not configured on this server.");
        await NextAsync("network");

        // Network Configuration (Advanced opened only when the spec uses it: PMK's flow otherwise)
        var dual = s.NetworkStack == NetworkStack.DualStack;
        if (s.NetworkStack is { } stack && !dual) await ChooseAsync($"stack-{stack.ToString().ToLowerInvariant()}", "network-stack", $"{stack} is not offered.");
        if (UsesAdvanced(s)) await OpenAdvancedAsync();
        if (dual) await SwitchAsync("dual-stack", true, "network-stack");
        await RangeAsync("containers-cidr", s.ContainersCidr);
        await RangeAsync("services-cidr", s.ServicesCidr);
        if (dual)
        {
            await RangeAsync("containers-cidr-v6", s.ContainersCidrV6);
            await RangeAsync("services-cidr-v6", s.ServicesCidrV6);
        }
        if (s.NodeNetworks is { Length: > 0 } nodes) await FillAsync("node-networks", nodes);
        if (s.Backend is { } backend)
            await ChooseAsync($"backend-{backend.ToString().ToLowerInvariant()}", "backend", await TextOfAsync("calico-unavailable") ?? $"{backend} is not offered.");
        if (await page.GetByTestId("calico-options").CountAsync() > 0)
        {
            if (s.Overlay is { } overlay && await page.GetByTestId("overlay").CountAsync() > 0)
                await ChooseAsync(overlay == Overlay.Vxlan ? "overlay-vxlan" : "overlay-ipip", "overlay", await TextOfAsync("overlay-permitted") ?? $"{overlay} is not offered.");
            if (s.EncapsulationMode is { } mode)
                await ChooseAsync($"ipip-{mode.ToString().ToLowerInvariant()}", "ipip-mode", await TextOfAsync("ipip-ipv6-note") ?? $"{mode} is not offered.");
            if (s.NatOutgoing is { } nat) await SwitchAsync("nat-outgoing", nat, "nat");
            if (s.Bgp is false) await SwitchAsync("bgp-enabled", false, "bgp");
            await FillAsync("block-size", s.BlockSize);
            if (dual) await FillAsync("block-size-v6", s.BlockSizeV6);
            if (s.MtuAuto is true) await SwitchAsync("mtu-auto", true, "mtu");
            else await FillAsync("mtu", s.Mtu);
            await FillAsync("underlay-mtu", s.NodeNetworkMtu);
            if (s.NodeAddressDetection is { } detection)
                await ChooseAsync($"detect-{Kebab(detection.ToString())}", "interface-detection", $"{detection} is not offered.");
            if (s.NodeAddressDetection is not null and not (NodeAddressDetection.FirstFound or NodeAddressDetection.Kubernetes)) await FillAsync("detect-value", s.NodeAddressDetectionValue ?? "");
            if (dual && s.NodeAddressDetectionV6 is { } detection6)
            {
                await ChooseAsync($"detect6-{Kebab(detection6.ToString())}", "interface-detection-v6", $"{detection6} is not offered.");
                if (detection6 is not (NodeAddressDetection.FirstFound or NodeAddressDetection.Kubernetes)) await FillAsync("detect-value-v6", s.NodeAddressDetectionValueV6 ?? "");
            }
            if (s.Dataplane is { } dataplane && await page.GetByTestId("dataplane").CountAsync() > 0)
                await ChooseAsync($"dataplane-{dataplane.ToString().ToLowerInvariant()}", "dataplane", $"{dataplane} is not offered.");
        }
        await NextAsync("policies");

        // Network Policies
        var policies = s.NetworkPolicies ?? [];
        for (var i = 0; i < policies.Count; i++)
        {
            await page.GetByTestId("add-policy-blank").ClickAsync();
            await page.GetByTestId($"policy-{i}-view-yaml").ClickAsync();
            await page.GetByTestId($"policy-{i}-yaml").FillAsync(policies[i]);
        }
        await NextAsync("review");

        // Review → hand-off
        await page.GetByTestId("submit").ClickAsync();
        var cluster = page.Locator("[data-testid='cluster-page']");
        var refused = page.GetByTestId("submit-errors");
        await cluster.Or(refused).First.WaitForAsync(new() { Timeout = 60_000 });
        if (await refused.IsVisibleAsync())
            throw new SpecRejected((await refused.Locator("li").AllInnerTextsAsync()).Select(m => ("submit", m.Trim())).ToArray());
        report.Submitted(page.Url);
        return page.Url;
    }

    /// <summary>Whether the spec sets anything only the Network step's Advanced part offers (or asks for it open).</summary>
    private static bool UsesAdvanced(DraftFile.Spec s) =>
        s.AdvancedOpen is true || s.NetworkStack == NetworkStack.DualStack || s.NodeNetworks is { Length: > 0 } || s.Overlay == Overlay.Vxlan
        || s.Bgp is false || s.MtuAuto is true || s.Dataplane is Dataplane.Nftables or Dataplane.Bpf
        || s.NodeAddressDetection is NodeAddressDetection.Kubernetes or NodeAddressDetection.Cidrs;

    private async Task OpenAdvancedAsync()
    {
        var toggle = page.GetByTestId("advanced-toggle");
        if (await toggle.GetAttributeAsync("aria-expanded") != "true") await toggle.ClickAsync(new() { Timeout = Quick });
        await page.GetByTestId("advanced-options").WaitForAsync(new() { Timeout = Quick });
    }

    /// <summary>Follows the cluster page until the job ends; the page is pushed live, this only reads it.</summary>
    public async Task<(string State, string? Error)> FollowAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var state = await page.GetByTestId("job-state").GetAttributeAsync("data-state") ?? "Pending";
            var step = await TextOfAsync("job-progress") ?? "";
            var log = (await TextOfAsync("job-log"))?.Split('\n').LastOrDefault()?.Trim();
            var now = $"{state}|{step}|{log}";
            if (now != last) { report.Progress(state, step, log); last = now; }
            if (state is "Succeeded" or "Failed" or "Cancelled") return (state, await TextOfAsync("job-error"));
            await page.WaitForTimeoutAsync(200);
        }
        return ("TimedOut", $"Provisioning did not finish within {timeout}.");
    }

    /// <summary>A range field: a CIDR is typed; <c>suggest</c> presses Suggest and reports what the wizard chose and why.</summary>
    private async Task RangeAsync(string testId, string? value)
    {
        if (!string.Equals(value?.Trim(), "suggest", StringComparison.OrdinalIgnoreCase)) { await FillAsync(testId, value); return; }
        await page.GetByTestId($"suggest-{testId}").ClickAsync(new() { Timeout = 30_000 });
        var note = page.GetByTestId($"{testId}-suggestion");
        await note.WaitForAsync(new() { Timeout = 30_000 });
        var reason = (await note.InnerTextAsync()).Trim();
        if (await note.GetAttributeAsync("data-found") != "true") throw new SpecRejected([(testId, reason)]);
        report.Suggested(testId, await page.GetByTestId(testId).InputValueAsync(), reason);
    }

    private async Task FillAsync(string testId, string? value)
    {
        if (value is null) return;
        var field = page.GetByTestId(testId);
        await field.FillAsync(value, new() { Timeout = Quick });
    }

    private async Task ChooseAsync(string testId, string field, string notOffered)
    {
        var radio = page.GetByTestId(testId);
        if (await radio.CountAsync() == 0 || await radio.IsDisabledAsync()) throw new SpecRejected([(field, notOffered)]);
        if (!await radio.IsCheckedAsync()) await radio.ClickAsync(new() { Timeout = Quick });
    }

    private async Task SwitchAsync(string testId, bool on, string field)
    {
        var toggle = page.GetByTestId(testId);
        if (await toggle.IsCheckedAsync() == on) return;
        if (await toggle.IsDisabledAsync())
            throw new SpecRejected([(field, await TextOfAsync("nat-locked-reason") ?? "This switch is locked.")]);
        await toggle.ClickAsync(new() { Timeout = Quick });
    }

    /// <summary>Next, and if the wizard refuses, every message of the step exactly as shown under its field.</summary>
    private async Task NextAsync(string expectStep)
    {
        await page.GetByTestId("next").ClickAsync();
        var moved = page.GetByTestId($"step-{expectStep}");
        var blocked = page.GetByTestId("next-blocked");
        await moved.Or(blocked).First.WaitForAsync(new() { Timeout = 30_000 });
        if (await moved.IsVisibleAsync()) return;
        var errors = new List<(string, string)>();
        foreach (var message in await page.Locator("[data-testid$='-error'], [data-testid$='-errors']").AllAsync())
        {
            var id = await message.GetAttributeAsync("data-testid") ?? "";
            var field = id.EndsWith("-errors", StringComparison.Ordinal) ? id[..^"-errors".Length] : id[..^"-error".Length];
            errors.Add((field, (await message.InnerTextAsync()).Trim()));
        }
        throw new SpecRejected(errors.Count > 0 ? errors : [("wizard", (await blocked.InnerTextAsync()).Trim())]);
    }

    private async Task<string?> TextOfAsync(string testId)
    {
        var element = page.GetByTestId(testId);
        return await element.CountAsync() > 0 ? (await element.First.InnerTextAsync()).Trim() : null;
    }

    private static string Kebab(string pascal) => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rules;
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
        // the spec laid on a draft as the wizard will lay it: which keys apply is judged by the server's own rule
        var draft = new ClusterDraft();
        DraftFile.Apply(s, draft, Core.Providers.ProviderMatrix.Seed);

        await FillStepAsync(s, draft, WizardStep.Cluster);
        await NextAsync("network");
        // Advanced is opened only when the spec uses it: PMK's flow otherwise
        if (s.Values.Any(v => v.Field.Advanced?.Invoke(v.Value) == true)) await OpenAdvancedAsync();
        await FillStepAsync(s, draft, WizardStep.Network);
        await NextAsync("policies");
        await FillStepAsync(s, draft, WizardStep.Policies);
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

    /// <summary>
    /// Each key of the step the spec sets, in the field map's order, through the control its description names. A key
    /// that does not apply (dataplane on Flannel) is reported as ignored, with the wizard's words, and left alone.
    /// </summary>
    private async Task FillStepAsync(DraftFile.Spec s, ClusterDraft draft, WizardStep step)
    {
        var ignored = DraftFields.Ignored(draft).ToDictionary(i => i.Field, i => i.Message);
        foreach (var (field, value) in s.Values.Where(v => v.Field.Step == step))
        {
            if (DraftFields.WhyNotApplies(field, draft) is not null)
            {
                // the warning the server gives for it; a value at its default is nothing to say
                if (ignored.TryGetValue(field, out var message)) report.Ignored(field.Key, message);
                continue;
            }
            if (field.CalicoOnly && await page.GetByTestId("calico-options").CountAsync() == 0)
            {
                // this server's matrix chose Flannel for the provider where the spec named no backend
                report.Ignored(field.Key, Core.Resources.Text.Format(Core.Resources.Messages.IgnoredNotCalico, NetworkBackend.Flannel));
                continue;
            }
            await EnterAsync(field, value);
        }
    }

    private async Task EnterAsync(DraftField field, object value)
    {
        // a value that needs no Advanced (bgp: true, overlay: IpInIp) of a control only Advanced shows is its default there
        var controlId = field.Control == FieldControl.Choice ? field.OptionId!(value.ToString()!) : field.TestId;
        if (field.Advanced is { } advanced && !advanced(value) && await page.GetByTestId(controlId).CountAsync() == 0) return;
        switch (field.Control)
        {
            case FieldControl.Text: await FillAsync(field.TestId, (string)value); break;
            case FieldControl.Range: await RangeAsync(field.TestId, (string)value); break;
            case FieldControl.Switch: await SwitchAsync(field.TestId, (bool)value, field); break;
            case FieldControl.Choice:
                var option = value.ToString()!;
                await ChooseAsync(field.OptionId!(option), field.TestId,
                    (field.NoteId is { } note ? await TextOfAsync(note) : null) ?? $"{option} is not offered.");
                break;
            case FieldControl.Disclosure: if (value is true) await OpenAdvancedAsync(); break;
            case FieldControl.Policies:
                var policies = (List<string>)value;
                for (var i = 0; i < policies.Count; i++)
                {
                    await page.GetByTestId("add-policy-blank").ClickAsync();
                    await page.GetByTestId($"policy-{i}-view-yaml").ClickAsync();
                    await page.GetByTestId($"policy-{i}-yaml").FillAsync(policies[i]);
                }
                break;
        }
    }

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

    private async Task SwitchAsync(string testId, bool on, DraftField field)
    {
        var toggle = page.GetByTestId(testId);
        if (await toggle.IsCheckedAsync() == on) return;
        if (await toggle.IsDisabledAsync())
            throw new SpecRejected([(field.TestId, (field.NoteId is { } note ? await TextOfAsync(note) : null) ?? "This switch is locked.")]);
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

}

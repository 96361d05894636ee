using Microsoft.AspNetCore.Components;

namespace Calico.Wizard.Features.CreateCluster;

/// <summary>
/// A part of the wizard that shows the draft (a step, a policy editor, the address map): it renders again after each
/// checked change (<see cref="WizardState.Changed"/>). The page hands the state down as a fixed cascading value, so a
/// keystroke re-renders the parts that show the draft and not the page around them (its title, step list and buttons).
/// </summary>
public abstract class WizardPart : ComponentBase, IDisposable
{
    [CascadingParameter] public WizardState State { get; set; } = default!;

    protected override void OnInitialized() => State.Changed += OnStateChanged;

    /// <summary>After a checked change: by default, render again (on the circuit's dispatcher).</summary>
    protected virtual void OnStateChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        State.Changed -= OnStateChanged;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }
}

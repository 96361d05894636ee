using MudBlazor;

namespace Calico.Wizard.Components.Layout;

/// <summary>
/// The one theme every circuit shares. A <c>MudThemeProvider</c> without a theme builds its own (two palettes of ~60
/// colours each, per circuit); nothing changes a theme after start, so one instance serves them all.
/// </summary>
public static class WizardTheme
{
    public static MudTheme Shared { get; } = new();
}

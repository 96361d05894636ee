using MudBlazor;

namespace Calico.Wizard.Components.Layout;

/// <summary>
/// The one theme every circuit shares. A <c>MudThemeProvider</c> without a theme builds its own (two palettes of ~60
/// colours each, per circuit); nothing changes a theme after start, so one instance serves them all.
/// </summary>
/// <remarks>
/// The state colours are chosen for contrast (WCAG AA, 4.5:1, checked by axe in the browser tests): MudBlazor's
/// defaults put white on #00c853 (2.2:1) in the "Succeeded" chip and #ff9800-on-cream in the warning alerts (2.9:1).
/// Light: each colour is dark enough for white text on it and for text on white or its own tinted alert. Dark:
/// each is light enough for text on the dark surfaces, so the text on a filled chip or button is dark.
/// </remarks>
public static class WizardTheme
{
    private const string DarkText = "#1e1e2d";

    public static MudTheme Shared { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Success = "#1b7d3a",
            Warning = "#8a5300",
            Error = "#c62828",
            Info = "#0b6bcb",
        },
        PaletteDark = new PaletteDark
        {
            // In the dark palette the "darken" shades are what text-variant alerts write their text in: lighter here.
            Primary = "#a9a2f5", PrimaryContrastText = DarkText,
            Success = "#4cc46f", SuccessDarken = "#6fd08c", SuccessContrastText = DarkText,
            Warning = "#ffb74d", WarningDarken = "#ffc46e", WarningContrastText = DarkText,
            Error = "#ff7a73", ErrorDarken = "#ff8f89", ErrorContrastText = DarkText,
            Info = "#64b5f6", InfoDarken = "#85c5f8", InfoContrastText = DarkText,
            TextSecondary = "#b4b5ba",
            TableStriped = "rgba(255,255,255,0.06)",
        },
    };
}

using System.Globalization;

namespace Calico.Wizard.Core.Resources;

/// <summary>
/// How the core writes a message: a format from <see cref="Messages"/> (English in Messages.resx, German in
/// Messages.de.resx, picked by <see cref="CultureInfo.CurrentUICulture"/>) with its values, numbers written per
/// <see cref="CultureInfo.CurrentCulture"/>. Nothing here caches text: every call reads the culture it runs under,
/// so one process serves each request or circuit in its own language.
/// </summary>
public static class Text
{
    /// <summary>The languages with a Messages.{language}.resx; every other UI culture reads the English one.</summary>
    public static readonly IReadOnlyList<string> Translated = ["de"];

    public static string Format(string format, params object?[] args) => string.Format(NumberCulture, format, args);

    /// <summary>A message by its resource name (a key kept as data, such as a field's label), in the current UI culture.</summary>
    public static string Get(string name) =>
        Messages.ResourceManager.GetString(name, Messages.Culture) ?? throw new ArgumentException($"No message named {name}.", nameof(name));

    /// <summary>
    /// The culture numbers are written in: <see cref="CultureInfo.CurrentCulture"/> when it speaks the language the
    /// message is written in (de-DE or de-AT for a German message, en-* or the invariant culture for an English one),
    /// as the host sets both per request. When they disagree — a German server culture under an English UI — the
    /// message's own language decides, so an English message never reads "1.024" and a German one never "1,024".
    /// </summary>
    public static CultureInfo NumberCulture
    {
        get
        {
            var culture = CultureInfo.CurrentCulture;
            var ui = CultureInfo.CurrentUICulture;
            var language = MessageLanguage(ui);
            if ((culture.Equals(CultureInfo.InvariantCulture) ? "en" : culture.TwoLetterISOLanguageName) == language) return culture;
            if (language == "en") return CultureInfo.InvariantCulture; // English digits and separators, as the neutral resources
            return ui.TwoLetterISOLanguageName == language ? ui : CultureInfo.GetCultureInfo(language);
        }
    }

    /// <summary>The language messages are read in under a UI culture: a translated one, or English (the invariant culture included).</summary>
    private static string MessageLanguage(CultureInfo culture) =>
        Translated.Contains(culture.TwoLetterISOLanguageName) ? culture.TwoLetterISOLanguageName : "en";
}

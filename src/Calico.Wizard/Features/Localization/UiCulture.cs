using System.Globalization;
using System.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace Calico.Wizard.Features.Localization;

/// <summary>The languages the wizard speaks: English (the default) and German.</summary>
public static class Languages
{
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    public static readonly CultureInfo German = CultureInfo.GetCultureInfo("de");
    public static readonly IReadOnlyList<CultureInfo> Supported = [English, German];

    /// <summary>A supported culture for a name such as "de", "de-DE" or "en-US"; null for anything else.</summary>
    public static CultureInfo? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 16) return null;
        var language = name.Trim().Split('-', '_')[0];
        return Supported.FirstOrDefault(c => c.TwoLetterISOLanguageName.Equals(language, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The same page (path and query) in another language: <c>?culture=</c> set, everything else kept.</summary>
    public static string Link(string uri, CultureInfo language)
    {
        var u = new Uri(uri);
        var query = QueryHelpers.ParseQuery(u.Query)
            .Where(q => !q.Key.Equals("culture", StringComparison.OrdinalIgnoreCase))
            .Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString()))
            .Append(KeyValuePair.Create("culture", (string?)language.Name));
        return QueryHelpers.AddQueryString(u.AbsolutePath, query);
    }
}

/// <summary>
/// The language of one page or circuit. A circuit lives longer than the request that started it and also renders
/// from background callbacks (a job's progress, the autosave's "Draft saved"), where the ambient culture is not the
/// operator's: the text the UI shows is looked up in this culture explicitly, and each event from the browser runs
/// with it as the ambient culture, so the core's rule messages and number formats follow it too.
/// </summary>
public sealed class UiCulture
{
    private CultureInfo? culture;

    public CultureInfo Culture => culture ?? Ambient;

    /// <summary>The request's language, as the localization middleware chose it (cookie, then Accept-Language).</summary>
    private static CultureInfo Ambient => Languages.Find(CultureInfo.CurrentUICulture.Name) ?? Languages.English;

    /// <summary>Decides once: the page's <c>?culture=</c> first, else the request's.</summary>
    public void Start(string uri) => culture ??= FromQuery(uri) ?? Ambient;

    public static CultureInfo? FromQuery(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var u) && QueryHelpers.ParseQuery(u.Query).TryGetValue("culture", out var c)
            ? Languages.Find(c.ToString())
            : null;

    /// <summary>Runs <paramref name="work"/> with this culture as the ambient one, and restores the previous.</summary>
    public async Task RunAsync(Func<Task> work)
    {
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = Culture;
        try { await work(); }
        finally { (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi); }
    }
}

/// <summary>Starts each circuit's <see cref="UiCulture"/> and applies it to every event the browser sends.</summary>
public sealed class UiCultureCircuitHandler(UiCulture culture, NavigationManager navigation) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        culture.Start(navigation.Uri);
        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context => culture.RunAsync(() => next(context));
}

/// <summary>Marker for the UI's texts: <c>Resources/UiText.resx</c> (English, whose keys are the English texts) and <c>UiText.de.resx</c>.</summary>
public sealed class UiText
{
    public static readonly ResourceManager Resources = new("Calico.Wizard.Resources.UiText", typeof(UiText).Assembly);
}

/// <summary>
/// <c>IStringLocalizer&lt;UiText&gt;</c> in the page's or circuit's language (<see cref="UiCulture"/>), not the thread's.
/// The key is the English text; a key without an entry shows as it is (a test fails when a used key has none).
/// </summary>
public sealed class UiTextLocalizer(UiCulture culture) : IStringLocalizer<UiText>
{
    public LocalizedString this[string name]
    {
        get
        {
            if (string.IsNullOrEmpty(name)) return new LocalizedString(name, "");
            var value = UiText.Resources.GetString(name, culture.Culture);
            return new LocalizedString(name, value ?? name, resourceNotFound: value is null);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(culture.Culture, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        (UiText.Resources.GetResourceSet(culture.Culture, createIfNotExists: true, tryParents: includeParentCultures)
            ?? throw new MissingManifestResourceException())
            .Cast<System.Collections.DictionaryEntry>().Select(e => new LocalizedString((string)e.Key, (string)e.Value!));
}

public static class LocalizationSetup
{
    /// <summary>The services the pages need (the app and the component tests).</summary>
    public static IServiceCollection AddUiLanguages(this IServiceCollection services) => services
        .AddScoped<UiCulture>()
        .AddScoped<IStringLocalizer<UiText>, UiTextLocalizer>()
        .AddScoped<CircuitHandler, UiCultureCircuitHandler>()
        .AddScoped<MudBlazor.MudLocalizer, UiMudLocalizer>();

    public const string CookieName = ".CalicoWizard.Culture";

    /// <summary>
    /// A request's culture: <c>?culture=</c>, then the cookie that remembers it, then Accept-Language; English by
    /// default. A page asked for with <c>?culture=</c> remembers it in the cookie, so the circuit that the page then
    /// opens (a request of its own, without the query) speaks the same language.
    /// </summary>
    public static void UseUiLanguages(this WebApplication app)
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Languages.English),
            SupportedCultures = [.. Languages.Supported],
            SupportedUICultures = [.. Languages.Supported],
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider { QueryStringKey = "culture", UIQueryStringKey = "culture" },
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 5 },
        ];
        app.UseRequestLocalization(options);
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && Languages.Find(context.Request.Query["culture"].ToString()) is { } asked)
                context.Response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(asked)), new CookieOptions
                {
                    HttpOnly = true, IsEssential = true, Path = "/", MaxAge = TimeSpan.FromDays(365),
                    // in a portal's frame on another site a Lax cookie is not sent; None needs https
                    SameSite = context.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax, Secure = context.Request.IsHttps,
                });
            await next(context);
        });
    }
}

/// <summary>
/// Marks an English UI text that is looked up later (<c>T[K(text)]</c> or a method returning one of several): the
/// resources test finds every <c>K(text)</c> and <c>T[key]</c> in the sources and requires an entry in each language.
/// </summary>
public static class UiKeys
{
    public static string K(string english) => english;
}

/// <summary>
/// MudBlazor's own texts (the pager's "Rows per page", Clear, Close…) in the circuit's language: German from
/// <c>UiText.de.resx</c> under "Mud:" + MudBlazor's key; English (and any key without a translation) stays MudBlazor's.
/// </summary>
public sealed class UiMudLocalizer(UiCulture culture) : MudBlazor.MudLocalizer
{
    public const string Prefix = "Mud:";

    public override LocalizedString this[string key] =>
        culture.Culture.TwoLetterISOLanguageName != Languages.English.TwoLetterISOLanguageName
        && UiText.Resources.GetString(Prefix + key, culture.Culture) is { } text && text != Prefix + key
            ? new LocalizedString(key, text)
            : base[key];

    public override LocalizedString this[string key, params object[] arguments]
    {
        get
        {
            if (this[key] is not { ResourceNotFound: false } found || found.Value == base[key].Value) return base[key, arguments];
            // a translation that does not fit MudBlazor's arguments must not take the page down: its English then
            try { return new LocalizedString(key, string.Format(culture.Culture, found.Value, arguments)); }
            catch (FormatException) { return base[key, arguments]; }
        }
    }
}

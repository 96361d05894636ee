using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Calico.Wizard.Tests;

/// <summary>What a user does and sees, addressed by the wizard's stable data-testid attributes.</summary>
internal static partial class WizardDom
{
    public static string By(string testId) => $"[data-testid='{testId}']";

    public static IElement ByTestId<T>(this IRenderedComponent<T> cut, string testId) where T : IComponent =>
        cut.Find(By(testId));

    public static bool Has<T>(this IRenderedComponent<T> cut, string testId) where T : IComponent =>
        cut.FindAll(By(testId)).Count > 0;

    /// <summary>Types into a text field (MudTextField with Immediate: the input event carries the whole value).</summary>
    public static Task TypeAsync<T>(this IRenderedComponent<T> cut, string testId, string text) where T : IComponent =>
        cut.ByTestId(testId).InputAsync(new ChangeEventArgs { Value = text });

    /// <summary>Clicks a radio, a button or anything else carrying the test id.</summary>
    public static Task ClickAsync<T>(this IRenderedComponent<T> cut, string testId) where T : IComponent =>
        cut.ByTestId(testId).ClickAsync(new MouseEventArgs());

    /// <summary>The text a user reads: whitespace runs collapsed as a browser lays them out.</summary>
    public static string Text(this IElement element) => Spaces().Replace(element.TextContent, " ").Trim();

    public static string TextOf<T>(this IRenderedComponent<T> cut, string testId) where T : IComponent =>
        cut.ByTestId(testId).Text();

    public static bool IsDisabled(this IElement element) => element.HasAttribute("disabled");

    public static bool IsChecked(this IElement element) => element.HasAttribute("checked");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

using Microsoft.AspNetCore.Components;

namespace Calico.Wizard.Features.Shared;

/// <summary>
/// The message under a field: what is wrong and the fix. Plain text only: user input is never rendered as markup.
/// Markup in the field's own render tree, not a component: a component per field costs a circuit two render trees
/// (~5 KB each idle tab) to show one line (docs/performance.md, "Where an idle circuit's heap goes").
/// </summary>
public static class FieldMessage
{
    /// <summary>The message for the field whose test id is <paramref name="field"/>; its id is "{field}-error" (wire it with aria-describedby).</summary>
    public static RenderFragment For(string field, string? message) => builder =>
    {
        if (message is null) return;
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "id", $"{field}-error");
        builder.AddAttribute(2, "data-testid", $"{field}-error");
        builder.AddAttribute(3, "role", "alert");
        builder.AddAttribute(4, "class", "field-message mud-input-helper-text mud-input-error");
        builder.AddContent(5, message);
        builder.CloseElement();
    };
}

using Calico.Wizard;
using Calico.Wizard.Components;
using Calico.Wizard.Features.Api;
using Calico.Wizard.Features.Localization;
using Calico.Wizard.Features.Operations;
using Calico.Wizard.Store;

var builder = WebApplication.CreateBuilder(HostPaths.Options(args));
// Run from a build (dotnet run) in Production too: the build's static assets are served without Development's
// exception page, which would show stack traces and echo request headers. A publish has no manifest: a no-op.
builder.WebHost.UseStaticWebAssets();
builder.AddCalicoWizard();

var app = builder.Build();
await app.Services.MigrateStoreAsync();

app.UseProxyHeaders(); // behind an ingress that ends TLS: the scheme and peer the browser used, before any guard reads them
app.UseRequestGuards();
app.UseUiLanguages();
// The API answers every error as ProblemDetails with its real status; pages get the app's error and not-found pages.
app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api =>
{
    api.UseExceptionHandler();
    api.UseStatusCodePages();
});
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), pages =>
{
    if (!app.Environment.IsDevelopment()) pages.UseExceptionHandler("/Error", createScopeForErrors: true);
    pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
});
app.UseStaticFiles();
// Routing after the status-code pages: a re-executed request (an unknown page → /not-found) is routed again. With
// the implicit routing at the head of the pipeline the re-execution found no endpoint and answered an empty 404.
app.UseRouting();
app.UseCookiePolicy();
app.UseAuthentication();
app.UseAuthorization();
app.UseCircuitLimits(); // after sign-in: a signed-in operator's tabs count as theirs, wherever they connect from
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealth();
app.MapSignIn();
app.MapWizardEndpoints();
app.MapApiDocs();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = app.Services.FrameAncestors());

app.Run();

public partial class Program;

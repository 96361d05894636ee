using Calico.Wizard;
using Calico.Wizard.Components;
using Calico.Wizard.Features.Operations;
using Calico.Wizard.Store;

var builder = WebApplication.CreateBuilder(HostPaths.Options(args));
builder.AddCalicoWizard();

var app = builder.Build();
await app.Services.MigrateStoreAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseFrameAncestors();
app.UseStaticFiles();
app.UseCookiePolicy();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealth();
app.MapSignIn();
app.MapWizardEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = app.Services.FrameAncestors());

app.Run();

public partial class Program;

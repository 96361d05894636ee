using Calico.Wizard.Floor.Components;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapGet("/healthz", () => "Healthy");
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

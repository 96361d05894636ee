using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.CreateCluster;
using Calico.Wizard.Provisioning;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Microsoft.Extensions.Options;
using Calico.Wizard.Features.Api;
using Calico.Wizard.Features.Localization;
using Calico.Wizard.Features.Operations;
using MudBlazor.Services;
using Calico.Wizard.Core.Addresses;

namespace Calico.Wizard;

public sealed class EmbeddingOptions
{
    /// <summary>Origins allowed to frame the wizard; the app's own origin always may.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

public static class Extensions
{
    public static void AddCalicoWizard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // the API speaks enum names
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddApiDocs();

        var providers = builder.Configuration.GetSection("Providers").Get<List<ProviderOption>>();
        services.AddWizard(providers is { Count: > 0 } ? new ProviderMatrix(providers) : ProviderMatrix.Seed,
            builder.Configuration.GetSection("AddressPlanning").Get<Core.Addresses.PlanningOptions>());
        services.AddOptions<ProvisioningOptions>().BindConfiguration("Provisioning");
        services.AddOptions<EmbeddingOptions>().BindConfiguration("Embedding");
        services.AddOptions<WizardOptions>().BindConfiguration("Wizard");
        var store = Store(builder);
        services.AddStore(store).AddProvisioning();
        services.AddStoreKeyRing(store).ProtectKeysWithConfiguredCertificate(builder.Configuration.GetSection("DataProtection"));
        services.AddKubernetesTargets(builder.Configuration.GetSection("Provisioning"));
        services.AddHealth();
        services.AddCircuitLimits();
        builder.AddSignIn();
        builder.AddProxyHeaders();
        builder.AddRequestGuards();
    }

    /// <summary>The rules on a provider matrix, and each circuit's wizard (what the pages and the components' tests need).</summary>
    public static IServiceCollection AddWizard(
        this IServiceCollection services, ProviderMatrix matrix, Core.Addresses.PlanningOptions? planning = null) => services
        .AddSingleton(matrix)
        .AddSingleton(planning ?? new Core.Addresses.PlanningOptions())
        .AddSingleton<ClusterRules>()
        .AddSingleton<RangeSuggester>()
        .AddSingleton<DraftAutosave>()
        .AddHostedService(sp => sp.GetRequiredService<DraftAutosave>())
        .AddScoped<WizardState>()
        .AddUiLanguages();

    /// <summary>
    /// "Storage:Provider": Sqlite (the embedded default: the file "Storage:SqlitePath", relative to the content root,
    /// it and its folder created on first run for the app's user only) or PostgreSQL ("Storage:PostgreSQL" is the
    /// connection string).
    /// </summary>
    private static StoreOptions Store(WebApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("Storage");
        if (Enum.TryParse<StoreProvider>(config["Provider"], ignoreCase: true, out var provider) && provider == StoreProvider.PostgreSQL)
            return new StoreOptions
            {
                Provider = provider,
                ConnectionString = config["PostgreSQL"] is { Length: > 0 } cs ? cs
                    : throw new InvalidOperationException("Storage:Provider is PostgreSQL but Storage:PostgreSQL (the connection string) is empty."),
            };
        var path = config["SqlitePath"] ?? "data/calico-wizard.db";
        var full = Path.GetFullPath(path, builder.Environment.ContentRootPath);
        foreach (var file in SqliteFiles.Prepare(full)) // the app's user's alone: it holds the key ring
            Console.WriteLine($"Closed {file} to other users (it was readable by them).");
        return new StoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = $"Data Source={full}" };
    }

    /// <summary>The CSP frame-ancestors sources: the app itself and the allow-listed origins (X-Frame-Options cannot list origins).</summary>
    public static string FrameAncestors(this IServiceProvider services) =>
        string.Join(' ', new[] { "'self'" }.Concat(services.GetRequiredService<IOptions<EmbeddingOptions>>().Value.AllowedOrigins
            .Where(o => Uri.TryCreate(o, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.AbsolutePath == "/")
            .Select(o => o.TrimEnd('/'))));
}

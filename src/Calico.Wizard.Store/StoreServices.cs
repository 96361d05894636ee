using Calico.Wizard.Core.Rules;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Store;

public enum StoreProvider { Sqlite, PostgreSQL }

public sealed class StoreOptions
{
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;
    public string ConnectionString { get; set; } = "";
}

/// <summary>Everything asks for the store as <see cref="WizardDbContext"/>; on PostgreSQL it is the PostgreSQL context.</summary>
internal sealed class PostgresFactory(IDbContextFactory<PostgresWizardDbContext> inner) : IDbContextFactory<WizardDbContext>
{
    public WizardDbContext CreateDbContext() => inner.CreateDbContext();
    public async Task<WizardDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}

public static class StoreServices
{
    /// <summary>The health check's name; tagged "ready".</summary>
    public const string HealthCheck = "store";

    /// <summary>The store on SQLite (the embedded default).</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, string sqliteConnectionString) =>
        services.AddStore(new StoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = sqliteConnectionString });

    /// <summary>The store (SQLite or PostgreSQL, one model), the services that read and write it, and its readiness check.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, StoreOptions store)
    {
        var health = services.AddHealthChecks();
        if (store.Provider == StoreProvider.PostgreSQL)
        {
            services.AddDbContextFactory<PostgresWizardDbContext>(o => o.UseNpgsql(store.ConnectionString));
            services.AddSingleton<IDbContextFactory<WizardDbContext>>(sp =>
                new PostgresFactory(sp.GetRequiredService<IDbContextFactory<PostgresWizardDbContext>>()));
            health.AddDbContextCheck<PostgresWizardDbContext>(HealthCheck, tags: ["ready"]);
        }
        else
        {
            services.AddDbContextFactory<WizardDbContext>(o => o.UseSqlite(store.ConnectionString));
            health.AddDbContextCheck<WizardDbContext>(HealthCheck, tags: ["ready"]);
        }
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IClusterRegistry, StoreClusterRegistry>();
        services.AddSingleton<DraftStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ClusterQueries>();
        services.AddSingleton<AppliedObjectStore>();
        return services;
    }

    /// <summary>The name every replica protects data under, whatever folder it runs from.</summary>
    public const string DataProtectionApplicationName = "calico-wizard";

    /// <summary>
    /// Keeps ASP.NET Core's Data Protection key ring in the store (its DataProtectionKeys table), under one application
    /// name: what one replica protects (antiforgery tokens, the sign-in cookie, a paused circuit's state) another
    /// replica, or the same one after a restart, can read. Without it each process keeps its own keys (in memory on a
    /// read-only file system) and a request or a resume that lands elsewhere fails.
    /// The keys are stored as Data Protection writes them, unencrypted unless a certificate is configured
    /// (<see cref="ProtectKeysWithConfiguredCertificate"/>): otherwise whoever can read the database can read them.
    /// </summary>
    public static IDataProtectionBuilder AddStoreKeyRing(this IServiceCollection services, StoreOptions store)
    {
        var builder = services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        return store.Provider == StoreProvider.PostgreSQL
            ? builder.PersistKeysToDbContext<PostgresWizardDbContext>()
            : builder.PersistKeysToDbContext<WizardDbContext>();
    }

    /// <summary>
    /// "DataProtection:CertificatePath" (a PKCS#12 file with its private key; "DataProtection:CertificatePassword")
    /// encrypts every key of the ring at rest with that certificate. "DataProtection:PreviousCertificatePaths" (each
    /// with the same password) still decrypt keys written under a certificate that was replaced. Nothing configured:
    /// nothing changes. Every replica needs the same certificate.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(
        this IDataProtectionBuilder builder, Microsoft.Extensions.Configuration.IConfiguration section)
    {
        if (section["CertificatePath"] is not { Length: > 0 } path) return builder;
        var password = section["CertificatePassword"];
        System.Security.Cryptography.X509Certificates.X509Certificate2 Load(string file)
        {
            try { return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(file, password); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
            {
                // never the password or the file's bytes: what failed and what to check
                throw new InvalidOperationException($"The Data Protection certificate {file} could not be loaded (" +
                    $"{e.GetType().Name}): check the path, that the file is a PKCS#12 (.pfx) with its private key, and DataProtection:CertificatePassword.");
            }
        }
        var current = Load(path);
        if (!current.HasPrivateKey)
            throw new InvalidOperationException($"The Data Protection certificate {path} has no private key: the key ring could be written but never read.");
        var previous = section.GetSection("PreviousCertificatePaths").GetChildren().Select(c => c.Value).OfType<string>().Where(p => p.Length > 0).Select(Load);
        return builder.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
    }
}

using System.Text.RegularExpressions;
using Calico.Wizard.Store;
using Calico.Wizard.Host.Tests.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Host.Tests.Features.Operations;

/// <summary>
/// Two replicas of the app on one store read each other's protected data: an antiforgery token, the sign-in cookie
/// or a paused circuit's state made by one is accepted by the other, and by itself after a restart.
/// Each replica is given a key folder of its own as its default, as each pod has its own file system (in the
/// read-only image, Data Protection would fall back to keys in memory): without the store's key ring the second
/// replica cannot read what the first protected.
/// </summary>
public sealed class SharedKeyRingTests
{
    private const string Purpose = "calico-wizard.tests.shared-key-ring";

    [Fact]
    public async Task Two_replicas_on_one_SQLite_file_unprotect_each_others_data()
    {
        var path = AppReplica.TempSqlitePath();
        try { await ProveSharedAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = path }); }
        finally { AppReplica.DeleteSqlite(path); }
    }

    [PostgresFact]
    public async Task Two_replicas_on_one_PostgreSQL_database_unprotect_each_others_data()
    {
        var database = $"calico_test_{Guid.NewGuid():N}";
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(PostgresTests.ConnectionString) { Database = database }.ConnectionString;
        try
        {
            await ProveSharedAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["Storage:PostgreSQL"] = connection });
        }
        finally { await PostgresTests.DropDatabaseAsync(database); }
    }

    private static async Task ProveSharedAsync(Dictionary<string, string?> store)
    {
        var folders = new[] { Directory.CreateTempSubdirectory("calico-wizard-keys-a-"), Directory.CreateTempSubdirectory("calico-wizard-keys-b-") };
        try
        {
            await using var a = Replica(store, folders[0]);
            await using var b = Replica(store, folders[1]);
            // One after the other, as a rollout starts them: the first migrates, the second finds it done.
            var fromA = a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("made by replica A");
            var fromB = b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("made by replica B");

            Assert.Equal("made by replica A", b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(fromA));
            Assert.Equal("made by replica B", a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(fromB));

            // The ring is in the store, under one application name, and nowhere on the replicas' own disks.
            Assert.Equal(StoreServices.DataProtectionApplicationName, a.Services.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator);
            var keys = await StoredKeysAsync(a);
            Assert.NotEmpty(keys);
            Assert.All(folders, f => Assert.Empty(f.EnumerateFiles()));

            // Key material is never logged, at any level.
            var secrets = keys.SelectMany(x => Regex.Matches(x, "<value>([^<]{16,})</value>").Select(m => m.Groups[1].Value)).ToArray();
            Assert.NotEmpty(secrets);
            var lines = a.Logs.Lines.Concat(b.Logs.Lines).ToArray();
            Assert.Contains(lines, l => l.Contains("DataProtection", StringComparison.Ordinal)); // the capture works
            Assert.DoesNotContain(lines, l => secrets.Any(s => l.Contains(s, StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var folder in folders) folder.Delete(recursive: true);
        }
    }

    /// <summary>A replica whose own default for keys is a folder of its own (its pod's disk), which the app's configuration must override.</summary>
    private static AppReplica Replica(Dictionary<string, string?> store, DirectoryInfo ownDisk) =>
        new(store, services => services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>>(
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new FileSystemXmlRepository(ownDisk, NullLoggerFactory.Instance)))));

    private static async Task<List<string>> StoredKeysAsync(AppReplica replica)
    {
        await using var db = await replica.Services.GetRequiredService<IDbContextFactory<WizardDbContext>>().CreateDbContextAsync();
        return await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }
}

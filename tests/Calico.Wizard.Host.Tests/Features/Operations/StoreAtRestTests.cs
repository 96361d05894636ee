using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Calico.Wizard.Store;
using Calico.Wizard.Host.Tests.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Host.Tests.Features.Operations;

/// <summary>
/// What the store keeps at rest (issue 27): the embedded SQLite file and its folder are the app's user's alone, and
/// the Data Protection key ring in it is encrypted with a certificate when one is configured.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the app runs on Linux
public sealed class StoreAtRestTests
{
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task The_SQLite_file_its_wal_and_a_folder_the_app_creates_are_for_its_user_only()
    {
        var root = Directory.CreateTempSubdirectory("calico-wizard-perms-");
        var path = Path.Combine(root.FullName, "data", "nested", "wizard.db");
        try
        {
            await using (var app = new AppReplica(new Dictionary<string, string?> { ["Storage:SqlitePath"] = path }))
            {
                app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("perms").Protect("a write"); // the key ring is written
                // a connection of its own (not pooled): another test's ClearAllPools closing the app's last connection would
                // remove the WAL beside the database; a reader on a WAL database keeps (or creates) it, with the database's mode
                using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
                reader.Open();
                using (var read = reader.CreateCommand())
                {
                    read.CommandText = "SELECT count(*) FROM sqlite_master";
                    read.ExecuteScalar();
                }
                Assert.True(File.Exists(path + "-wal"), "the test needs the WAL file SQLite writes beside the database");
                Assert.Equal(SqliteFiles.FolderMode, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
                Assert.Equal(SqliteFiles.FolderMode, File.GetUnixFileMode(Path.Combine(root.FullName, "data")));
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                    Assert.True((File.GetUnixFileMode(file) & Others) == 0, $"{file} is {File.GetUnixFileMode(file)}");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_database_left_readable_by_others_is_closed_to_them_and_a_folder_that_existed_is_left_alone()
    {
        var folder = Directory.CreateTempSubdirectory("calico-wizard-perms-");
        File.SetUnixFileMode(folder.FullName, SqliteFiles.FolderMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var path = Path.Combine(folder.FullName, "old.db");
        try
        {
            File.WriteAllBytes(path, []);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            var narrowed = SqliteFiles.Prepare(path);

            Assert.Equal([path], narrowed);
            Assert.Equal(SqliteFiles.FileMode, File.GetUnixFileMode(path));
            Assert.Equal(SqliteFiles.FolderMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(folder.FullName)); // not the app's to change
            Assert.Empty(SqliteFiles.Prepare(path));
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public async Task With_a_certificate_configured_the_stored_key_ring_is_encrypted_and_still_shared()
    {
        var folder = Directory.CreateTempSubdirectory("calico-wizard-cert-");
        var pfx = Path.Combine(folder.FullName, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=calico-wizard key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        }
        var path = AppReplica.TempSqlitePath();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = path, ["DataProtection:CertificatePath"] = pfx, ["DataProtection:CertificatePassword"] = "pfx-password",
        };
        try
        {
            string protectedText;
            await using (var a = new AppReplica(settings))
                protectedText = a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cert").Protect("made by A");
            await using (var b = new AppReplica(settings))
            {
                Assert.Equal("made by A", b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cert").Unprotect(protectedText));
                await using var db = await b.Services.GetRequiredService<IDbContextFactory<WizardDbContext>>().CreateDbContextAsync();
                var keys = await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
                Assert.NotEmpty(keys);
                Assert.All(keys, xml =>
                {
                    Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
                    Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal); // the key itself is only inside the encrypted part
                });
            }
        }
        finally
        {
            AppReplica.DeleteSqlite(path);
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_certificate_the_ring_is_stored_as_before()
    {
        var path = AppReplica.TempSqlitePath();
        try
        {
            await using var app = new AppReplica(new Dictionary<string, string?> { ["Storage:SqlitePath"] = path });
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("plain").Protect("x");
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<WizardDbContext>>().CreateDbContextAsync();
            Assert.Contains(await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync(), xml => xml.Contains("<masterKey", StringComparison.Ordinal));
        }
        finally { AppReplica.DeleteSqlite(path); }
    }
}

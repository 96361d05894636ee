using System.Net;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Benchmarks;

/// <summary>The store as the app opens it: SQLite through EF Core, one context per call (AddDbContextFactory).</summary>
public sealed class SqliteStore(string path) : IDbContextFactory<WizardDbContext>
{
    private readonly DbContextOptions<WizardDbContext> options =
        new DbContextOptionsBuilder<WizardDbContext>().UseSqlite($"Data Source={path}").Options;

    public string Path => path;

    public WizardDbContext CreateDbContext() => new(options);
}

/// <summary>
/// A registry of N submitted clusters, seeded once per N (bulk inserts through EF Core) into a cached SQLite file
/// under the temp folder, then only read by the benchmarks. Layout:
/// <list type="bullet">
/// <item>Crowded (the worst case): N/2 clusters on ONE BareOS network "rack-crowded", each with a /26 containers and
/// a /26 services range packed side by side from 10.0.0.0 — one slot in the middle is left free.</item>
/// <item>Spread (realistic): the other N/2 in networks of 20 clusters each, alternating BareOS "rack-NNNNN" and AWS
/// VPCs, every tenth network IPv6; cluster s of a network has containers 10.(20+2s).0.0/16 and services
/// 10.(21+2s).0.0/16 (IPv6: fd00:n:s::/64 and fd00:n:s+256::/112), so PMK's defaults are taken on every network.</item>
/// </list>
/// Names are c-NNNNNN (i zero-padded), created one second apart in i's order, states by <see cref="StateOf"/>.
/// </summary>
public static class ClusterSeed
{
    public const int Version = 3; // 2: clusters carry their newest job's State (the list filters on it); 3: ranges in ClusterRanges
    public const int PerNetwork = 20;
    public const string CrowdedNetwork = "rack-crowded";
    public const string SpreadNetwork = "rack-00000"; // network 0: BareOS, IPv4, 20 clusters

    private static string CacheDir => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "calico-wizard-bench");

    public static void DeleteCache()
    {
        if (Directory.Exists(CacheDir)) Directory.Delete(CacheDir, recursive: true);
    }

    public static int Crowded(int clusters) => clusters / 2;

    /// <summary>The free /26 left in the middle of the crowded network, and its neighbour (taken).</summary>
    public static int GapSlot(int clusters) => Crowded(clusters) / 2;

    public static IPNetwork CrowdedContainers(int slot) => Slash26(2 * slot);

    public static SqliteStore Open(int clusters)
    {
        var path = System.IO.Path.Combine(CacheDir, $"clusters-{clusters}-v{Version}.db");
        if (!File.Exists(path)) Seed(path, clusters);
        return new SqliteStore(path);
    }

    private static void Seed(string path, int clusters)
    {
        Directory.CreateDirectory(CacheDir);
        var seeding = path + ".seeding";
        foreach (var f in new[] { seeding, seeding + "-wal", seeding + "-shm" }) File.Delete(f);
        var store = new SqliteStore(seeding);
        using (var db = store.CreateDbContext())
        {
            // The current model (the same tables and indexes the migrations create), without migration history.
            db.Database.EnsureCreated();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;"); // as StoreStartup sets it
        }
        var specJson = SampleSpecJson();
        var started = DateTime.UtcNow;
        const int Batch = 5_000;
        for (var from = 0; from < clusters; from += Batch)
        {
            using var db = store.CreateDbContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = from; i < Math.Min(clusters, from + Batch); i++)
                if (Record(i, clusters, specJson) is { } r) db.Clusters.Add(r);
            db.SaveChanges();
        }
        SqliteConnection.ClearAllPools();
        File.Move(seeding, path);
        foreach (var suffix in new[] { "-wal", "-shm" }) File.Delete(seeding + suffix);
        Console.WriteLine($"// seeded {clusters} clusters in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {path}");
    }

    private static ClusterRecord? Record(int i, int clusters, string specJson)
    {
        var crowded = Crowded(clusters);
        string provider, network;
        IPNetwork containers, services;
        if (i < crowded)
        {
            if (i == GapSlot(clusters)) return null; // the free slot
            (provider, network) = ("BareOS", CrowdedNetwork);
            (containers, services) = (Slash26(2 * i), Slash26(2 * i + 1));
        }
        else
        {
            var n = (i - crowded) / PerNetwork;
            var s = (i - crowded) % PerNetwork;
            (provider, network) = n % 2 == 0 ? ("BareOS", $"rack-{n:D5}") : ("AWS", $"vpc-{n:x8}");
            (containers, services) = n % 10 == 9
                ? (IPNetwork.Parse($"fd00:{n:x}:{s:x}::/64"), IPNetwork.Parse($"fd00:{n:x}:{s + 0x100:x}::/112"))
                : (IPNetwork.Parse($"10.{20 + 2 * s}.0.0/16"), IPNetwork.Parse($"10.{21 + 2 * s}.0.0/16"));
        }
        var record = new ClusterRecord
        {
            Id = Guid.NewGuid(),
            DraftId = Guid.NewGuid(),
            Name = $"c-{i:D6}",
            Provider = provider,
            L2Network = network,
            NetworkKey = StoreClusterRegistry.NetworkKey(network),
            ContainersCidr = containers.ToString(),
            ServicesCidr = services.ToString(),
            Backend = nameof(NetworkBackend.Calico),
            SpecJson = specJson,
            CreatedAt = DateTime.UnixEpoch.AddSeconds(i),
            State = StateOf(i),
        };
        record.Ranges.AddRange(ClusterRanges.Of(record));
        return record;
    }

    /// <summary>A fleet's states: 2% failed, 2% running, 2% queued, 2% cancelled, the rest ready.</summary>
    public static JobState StateOf(int i) => (i % 50) switch
    {
        7 => JobState.Failed,
        8 => JobState.Running,
        9 => JobState.Pending,
        10 => JobState.Cancelled,
        _ => JobState.Succeeded,
    };

    /// <summary>The k-th /26 of 10.0.0.0/8.</summary>
    private static IPNetwork Slash26(int k)
    {
        var address = (10u << 24) + (uint)k * 64;
        return new IPNetwork(new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]), 26);
    }

    /// <summary>A real spec's JSON, so rows are as wide as the app's.</summary>
    private static string SampleSpecJson() => Drafts.Valid("sample", SpreadNetwork).ToSpec().ToJson();
}

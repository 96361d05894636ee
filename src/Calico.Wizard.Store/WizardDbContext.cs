using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Calico.Wizard.Store;

/// <summary>
/// The store. SQLite (embedded default) uses this class and its migrations; PostgreSQL uses <see cref="PostgresWizardDbContext"/>.
/// It also holds ASP.NET Core's Data Protection key ring (<see cref="DataProtectionKeys"/>), so replicas share it.
/// </summary>
public class WizardDbContext : DbContext, IDataProtectionKeyContext
{
    public WizardDbContext(DbContextOptions<WizardDbContext> options) : base(options) { }

    protected WizardDbContext(DbContextOptions options) : base(options) { }

    public DbSet<DraftRecord> Drafts => Set<DraftRecord>();
    public DbSet<ClusterRecord> Clusters => Set<ClusterRecord>();
    public DbSet<ClusterRange> ClusterRanges => Set<ClusterRange>();
    public DbSet<ProvisioningJob> Jobs => Set<ProvisioningJob>();
    public DbSet<JobLogLine> JobLog => Set<JobLogLine>();
    public DbSet<AppliedObject> AppliedObjects => Set<AppliedObject>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    /// <summary>The keys behind antiforgery tokens, the sign-in cookie and Blazor's persisted circuit state: one ring for every replica.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The unique index that allows one active (Pending or Running) job per cluster.</summary>
    public const string OneActiveJobIndex = "UX_Jobs_ClusterId_Active";

    /// <summary>The same SQL on SQLite and PostgreSQL: the state is stored as its name.</summary>
    public const string ActiveJobFilter = "\"State\" IN ('Pending', 'Running')";

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DraftRecord>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.Json).IsRequired();
            e.Property(d => d.Owner).HasMaxLength(200);
        });
        model.Entity<ClusterRecord>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.DraftId).IsUnique(); // one draft ⇒ one cluster, however many clicks
            e.HasIndex(c => c.Name).IsUnique();
            e.HasMany(c => c.Ranges).WithOne().HasForeignKey(r => r.ClusterId).OnDelete(DeleteBehavior.Cascade);
            e.Property(c => c.Name).HasMaxLength(63);
            // The clusters list (ClusterQueries.PageAsync): one index per filter and sort, each ending in CreatedAt so
            // a filtered page comes newest first straight off the index; the name prefix seeks the unique Name index.
            e.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(c => c.CreatedAt);
            e.HasIndex(c => new { c.State, c.CreatedAt });
            e.HasIndex(c => new { c.Provider, c.CreatedAt });
            e.HasIndex(c => new { c.NetworkKey, c.CreatedAt });
            // a network's page: both equal, newest first (else SQLite walks all of a provider's clusters by CreatedAt)
            e.HasIndex(c => new { c.Provider, c.NetworkKey, c.CreatedAt });
        });
        model.Entity<ClusterRange>(e =>
        {
            e.HasKey(r => new { r.ClusterId, r.Kind });
            e.Property(r => r.Kind).HasMaxLength(64);
            e.Property(r => r.Provider).HasMaxLength(64);
            e.Property(r => r.Cidr).HasMaxLength(64).IsUnicode(false);
            // The overlap queries: ranges starting inside [first, last], and the few that could contain it (StoreClusterRegistry).
            e.HasIndex(r => new { r.Provider, r.NetworkKey, r.First });
            e.Property(r => r.First).HasMaxLength(32).IsUnicode(false);
            e.Property(r => r.Last).HasMaxLength(32).IsUnicode(false);
            // The no-overlap constraint itself is provider SQL in the migrations (NoOverlap): an exclusion constraint on
            // PostgreSQL, a trigger on SQLite. EF's model cannot state either.
        });
        model.Entity<ProvisioningJob>(e =>
        {
            e.HasKey(j => j.Id);
            e.HasIndex(j => j.ClusterId);
            // At most one queued or running job per cluster, whichever replica or request starts it.
            e.HasIndex(j => j.ClusterId, OneActiveJobIndex).IsUnique().HasFilter(ActiveJobFilter);
            e.HasIndex(j => new { j.State, j.LeaseExpiresAt });
            e.Property(j => j.LeaseOwner).HasMaxLength(200);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            e.HasMany(j => j.Steps).WithOne().HasForeignKey(s => s.JobId);
            e.HasMany(j => j.Log).WithOne().HasForeignKey(l => l.JobId);
        });
        model.Entity<JobStep>(e =>
        {
            e.ToTable("JobSteps"); // read only through its job: no DbSet of its own
            e.HasKey(s => new { s.JobId, s.Index });
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        });
        model.Entity<AppliedObject>(e => e.HasKey(a => new { a.ClusterId, a.Target, a.Key }));
        model.Entity<AuditEntry>(e =>
        {
            e.HasKey(a => a.Id);
            e.HasIndex(a => a.ClusterId);
            e.HasIndex(a => a.DraftId);
            e.Property(a => a.Action).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Actor).HasMaxLength(200);
        });
        model.Entity<JobLogLine>(e =>
        {
            e.HasKey(l => l.Id);
            e.HasIndex(l => new { l.JobId, l.Id });
        });
    }
}

/// <summary>The same model on PostgreSQL, with its own migrations (Migrations/PostgreSQL).</summary>
public sealed class PostgresWizardDbContext(DbContextOptions<PostgresWizardDbContext> options) : WizardDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        // The list's name prefix is the range [p, p + U+FFFF): exact only in byte order, as SQLite compares.
        model.Entity<ClusterRecord>(e => e.Property(c => c.Name).UseCollation("C"));
        // The overlap index compares hex keys as text: byte order, whatever the database's locale.
        model.Entity<ClusterRange>(e =>
        {
            e.Property(r => r.First).UseCollation("C");
            e.Property(r => r.Last).UseCollation("C");
        });
    }
}

/// <summary>Lets `dotnet ef migrations add` build the models without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<WizardDbContext>
{
    public WizardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WizardDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresWizardDbContext>
{
    public PostgresWizardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWizardDbContext>().UseNpgsql("Host=127.0.0.1;Database=design").Options);
}

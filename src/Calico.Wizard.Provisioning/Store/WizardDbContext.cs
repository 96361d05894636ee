using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Calico.Wizard.Provisioning.Store;

public sealed class WizardDbContext(DbContextOptions<WizardDbContext> options) : DbContext(options)
{
    public DbSet<DraftRecord> Drafts => Set<DraftRecord>();
    public DbSet<ClusterRecord> Clusters => Set<ClusterRecord>();
    public DbSet<ProvisioningJob> Jobs => Set<ProvisioningJob>();
    public DbSet<JobStep> JobSteps => Set<JobStep>();
    public DbSet<JobLogLine> JobLog => Set<JobLogLine>();
    public DbSet<AppliedObject> AppliedObjects => Set<AppliedObject>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DraftRecord>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.Json).IsRequired();
        });
        model.Entity<ClusterRecord>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.DraftId).IsUnique(); // one draft ⇒ one cluster, however many clicks
            e.HasIndex(c => c.Name).IsUnique();
            e.HasIndex(c => new { c.Provider, c.NetworkKey, c.ContainersFirst });
            e.HasIndex(c => new { c.Provider, c.NetworkKey, c.ServicesFirst });
            foreach (var key in new[] { nameof(ClusterRecord.ContainersFirst), nameof(ClusterRecord.ContainersLast), nameof(ClusterRecord.ServicesFirst), nameof(ClusterRecord.ServicesLast) })
                e.Property(key).HasMaxLength(32).IsUnicode(false);
            e.Property(c => c.Name).HasMaxLength(63);
        });
        model.Entity<ProvisioningJob>(e =>
        {
            e.HasKey(j => j.Id);
            e.HasIndex(j => j.ClusterId);
            e.HasIndex(j => j.State);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            e.HasMany(j => j.Steps).WithOne().HasForeignKey(s => s.JobId);
            e.HasMany(j => j.Log).WithOne().HasForeignKey(l => l.JobId);
        });
        model.Entity<JobStep>(e =>
        {
            e.HasKey(s => new { s.JobId, s.Index });
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        });
        model.Entity<AppliedObject>(e => e.HasKey(a => new { a.ClusterId, a.Target, a.Key }));
        model.Entity<JobLogLine>(e =>
        {
            e.HasKey(l => l.Id);
            e.HasIndex(l => new { l.JobId, l.Id });
        });
    }
}

/// <summary>Lets `dotnet ef migrations add` build the model without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<WizardDbContext>
{
    public WizardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WizardDbContext>().UseSqlite("Data Source=design.db").Options);
}

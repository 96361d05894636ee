using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Provisioning;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Calico.Wizard.Core.Registry;

namespace Calico.Wizard.Testing;

/// <summary>
/// One test's world: a migrated SQLite database in a temp file of its own, and the provisioning services wired
/// the way the host wires them. <see cref="StartProcessAsync"/> builds a second container on the same file, which
/// is what a restarted server sees (a fresh queue, a fresh worker, the same rows).
/// </summary>
public sealed class ProvisioningFixture : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly List<ServiceProvider> providers = [];
    private readonly List<IHostedService> startedServices = [];
    private readonly Action<IServiceCollection>? configure;

    private ProvisioningFixture(Action<IServiceCollection>? configure, StoreProvider provider)
    {
        this.configure = configure;
        Provider = provider;
        DatabasePath = Path.Combine(Path.GetTempPath(), $"calico-wizard-provisioning-tests-{Guid.NewGuid():N}.db");
        PostgresDatabase = $"calico_test_{Guid.NewGuid():N}";
        Services = BuildServices();
    }

    public StoreProvider Provider { get; }

    public string DatabasePath { get; }

    /// <summary>On PostgreSQL each fixture has a database of its own, dropped afterwards.</summary>
    public string PostgresDatabase { get; }

    public string ConnectionString => Provider == StoreProvider.PostgreSQL
        ? new Npgsql.NpgsqlConnectionStringBuilder(PostgresTests.ConnectionString) { Database = PostgresDatabase }.ConnectionString
        : $"Data Source={DatabasePath}";

    /// <summary>The first "process" on the database; its worker is not running until <see cref="StartWorkerAsync"/>.</summary>
    public ServiceProvider Services { get; }

    public ClusterSubmission Submission => Services.GetRequiredService<ClusterSubmission>();
    public DraftStore Drafts => Services.GetRequiredService<DraftStore>();
    public ProvisioningWorker Worker => Services.GetRequiredService<ProvisioningWorker>();
    public JobCommands Commands => Services.GetRequiredService<JobCommands>();
    public IClusterRegistry Registry => Services.GetRequiredService<IClusterRegistry>();

    /// <param name="configure">Extra registrations (test targets, options), applied to every container built on this database.</param>
    public static async Task<ProvisioningFixture> CreateAsync(Action<IServiceCollection>? configure = null, StoreProvider provider = StoreProvider.Sqlite)
    {
        var fixture = new ProvisioningFixture(configure, provider);
        await using var db = await fixture.NewDbContextAsync();
        await db.Database.MigrateAsync();
        return fixture;
    }

    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddStore(new StoreOptions { Provider = Provider, ConnectionString = ConnectionString }).AddProvisioning();
        services.AddSingleton(ProviderMatrix.Seed);
        services.AddSingleton<ClusterRules>();
        services.AddLogging();
        services.AddOptions();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        providers.Add(provider);
        return provider;
    }

    /// <summary>Starts the hosted services (the provisioning worker) of <paramref name="services"/>, or of <see cref="Services"/>.</summary>
    public async Task StartWorkerAsync(IServiceProvider? services = null)
    {
        foreach (var hosted in (services ?? Services).GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            startedServices.Add(hosted);
        }
    }

    /// <summary>A restart: a new container on the same database, with its worker started.</summary>
    public async Task<ServiceProvider> StartProcessAsync()
    {
        var process = BuildServices();
        await StartWorkerAsync(process);
        return process;
    }

    /// <summary>Changes the manifest stored with a job (as if the renderer had made it so): what the worker will apply.</summary>
    public async Task ReplaceInStoredManifestAsync(Guid jobId, string from, string to)
    {
        await using var db = await NewDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Id == jobId);
        Assert.Contains(from, job.ManifestYaml);
        job.ManifestYaml = job.ManifestYaml!.Replace(from, to, StringComparison.Ordinal);
        await db.SaveChangesAsync();
    }

    public Task<WizardDbContext> NewDbContextAsync() =>
        Services.GetRequiredService<IDbContextFactory<WizardDbContext>>().CreateDbContextAsync();

    public async Task<ProvisioningJob?> LoadJobAsync(Guid jobId)
    {
        await using var db = await NewDbContextAsync();
        var job = await db.Jobs.AsNoTracking().Include(j => j.Steps).Include(j => j.Log).SingleOrDefaultAsync(j => j.Id == jobId);
        if (job is null) return null;
        job.Steps = [.. job.Steps.OrderBy(s => s.Index)];
        job.Log = [.. job.Log.OrderBy(l => l.Id)];
        return job;
    }

    public async Task<ProvisioningJob> SingleJobOfAsync(Guid? clusterId)
    {
        Assert.NotNull(clusterId);
        await using var db = await NewDbContextAsync();
        var id = await db.Jobs.Where(j => j.ClusterId == clusterId).Select(j => j.Id).SingleAsync();
        return (await LoadJobAsync(id))!;
    }

    /// <summary>
    /// Waits, on the <see cref="JobNotifier"/> of <paramref name="services"/> (the process whose worker runs the job),
    /// until the stored job satisfies <paramref name="until"/>; fails with the job's last state after <see cref="Timeout"/>.
    /// </summary>
    public async Task<ProvisioningJob> WaitForJobAsync(Guid jobId, Func<ProvisioningJob, bool> until, IServiceProvider? services = null)
    {
        var notifier = (services ?? Services).GetRequiredService<JobNotifier>();
        using var changed = new SemaphoreSlim(0);
        void OnChanged(Guid id)
        {
            if (id == jobId) changed.Release();
        }
        notifier.JobChanged += OnChanged;
        try
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                var job = await LoadJobAsync(jobId);
                if (job is not null && until(job)) return job;
                var left = deadline - DateTime.UtcNow;
                // The timed wait only bounds a broken worker; every change wakes it at once.
                if (left <= TimeSpan.Zero || !await changed.WaitAsync(left))
                {
                    job = await LoadJobAsync(jobId);
                    if (job is not null && until(job)) return job;
                    Assert.Fail($"Job {jobId} did not reach the expected state within {Timeout.TotalSeconds:0}s; it is {job?.State.ToString() ?? "missing"}" +
                        $" (error: {job?.Error ?? "none"}; log: {string.Join(" | ", job?.Log.Select(l => l.Message) ?? [])}).");
                }
            }
        }
        finally
        {
            notifier.JobChanged -= OnChanged;
        }
    }

    public Task<ProvisioningJob> WaitUntilFinishedAsync(Guid jobId, IServiceProvider? services = null) =>
        WaitForJobAsync(jobId, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled, services);

    public async ValueTask DisposeAsync()
    {
        for (var i = startedServices.Count - 1; i >= 0; i--)
        {
            using var stopping = new CancellationTokenSource(Timeout);
            await startedServices[i].StopAsync(stopping.Token);
        }
        foreach (var provider in providers) await provider.DisposeAsync();
        if (Provider == StoreProvider.PostgreSQL)
        {
            await PostgresTests.DropDatabaseAsync(PostgresDatabase);
            return;
        }
        using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) File.Delete(DatabasePath + suffix);
    }
}

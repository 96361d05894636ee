using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Calico.Wizard.E2E;

/// <summary>Two app processes on one PostgreSQL database: every job runs exactly once, and a killed replica's job is finished by the other.</summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private readonly string database = $"calico_e2e_{Guid.NewGuid():N}";
    private readonly List<WizardApp> apps = [];

    private string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresTests.ConnectionString) { Database = database }.ConnectionString;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        await PostgresTests.DropDatabaseAsync(database);
    }

    /// <summary>The lease of the takeover test: B takes A's job once A is dead and this has passed.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <param name="lease">How long a claim holds without a heartbeat: short where a test waits for a dead replica's lease
    /// to expire, the product's default (30 s) otherwise. A 3 s lease was taken over from a live replica on a loaded CI
    /// machine (its heartbeats, every second, were late), which is what a lease is for but not what "exactly once" tests.</param>
    private async Task<WizardApp> StartReplicaAsync(TimeSpan stepDelay, TimeSpan? lease = null)
    {
        var app = await WizardApp.StartAsync(null,
            "--Storage:Provider=PostgreSQL", $"--Storage:PostgreSQL={ConnectionString}",
            $"--Provisioning:DryRunStepDelay={stepDelay:c}", $"--Provisioning:LeaseDuration={lease ?? new Calico.Wizard.Provisioning.Jobs.ProvisioningOptions().LeaseDuration:c}",
            "--Provisioning:PollInterval=00:00:00.200");
        apps.Add(app);
        return app;
    }

    private static async Task<Guid> SubmitAsync(WizardApp app, int i)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var response = await http.PostAsJsonAsync("api/clusters", new
        {
            id = Guid.NewGuid(), name = $"replica-{i}-{Guid.NewGuid():N}"[..20], provider = "BareOS", machineKind = "Virtual",
            l2Network = $"rack-r{i}", plannedNodes = "3", networkStack = "IPv4", containersCidr = "10.20.0.0/16", servicesCidr = "10.21.0.0/16",
            backend = "Calico", ipInIpMode = "Always", natOutgoing = true, blockSize = "26", mtu = "1440", underlayMtu = "1500", interfaceDetection = "FirstFound",
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clusterId").GetGuid();
    }

    private static async Task<JsonElement> JobAsync(WizardApp app, Guid clusterId)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        return (await http.GetFromJsonAsync<JsonElement>($"api/clusters/{clusterId}")).GetProperty("job");
    }

    private static async Task<JsonElement> WaitForAsync(WizardApp app, Guid clusterId, Func<JsonElement, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job;
        do
        {
            job = await JobAsync(app, clusterId);
            if (until(job)) return job;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"job of {clusterId} is still {job}");
    }

    private static string[] Log(JsonElement job) => job.GetProperty("log").EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToArray();

    [PostgresFact]
    public async Task Two_replicas_twenty_submissions_each_job_runs_exactly_once()
    {
        var a = await StartReplicaAsync(TimeSpan.FromMilliseconds(150));
        var b = await StartReplicaAsync(TimeSpan.FromMilliseconds(150));

        var clusters = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SubmitAsync(i % 2 == 0 ? a : b, i)));

        var owners = new HashSet<string>();
        foreach (var cluster in clusters)
        {
            var job = await WaitForAsync(a, cluster, j => j.GetProperty("state").GetString() is "Succeeded" or "Failed", Waits.Message);
            Assert.Equal("Succeeded", job.GetProperty("state").GetString());
            var log = Log(job);
            Assert.Single(log, l => l.StartsWith("Claimed by ", StringComparison.Ordinal));
            for (var step = 1; step <= 4; step++) Assert.Single(log, l => l.StartsWith($"Step {step} of 4", StringComparison.Ordinal));
            owners.Add(job.GetProperty("leaseOwner").GetString()!);
        }
        Assert.Equal(2, owners.Count); // both replicas did work
    }

    [PostgresFact]
    public async Task Killed_replica_its_job_is_finished_by_the_other_without_redoing_finished_steps()
    {
        var a = await StartReplicaAsync(TimeSpan.FromMinutes(5), Lease); // long steps: A is surely mid-job when it dies, however slow B starts
        var cluster = await SubmitAsync(a, 99);
        var running = await WaitForAsync(a, cluster, j => Log(j).Any(l => l.StartsWith("Step 2 of 4", StringComparison.Ordinal)), Waits.Message);
        var firstOwner = running.GetProperty("leaseOwner").GetString();

        var b = await StartReplicaAsync(TimeSpan.FromMilliseconds(100), Lease);
        Assert.Equal("Running", (await JobAsync(a, cluster)).GetProperty("state").GetString());
        await a.KillAsync(); // a crash: no lease released

        var job = await WaitForAsync(b, cluster, j => j.GetProperty("state").GetString() is "Succeeded" or "Failed", Waits.Message);
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        var log = Log(job);
        Assert.Equal(2, log.Count(l => l.StartsWith("Claimed by ", StringComparison.Ordinal)));
        Assert.NotEqual(firstOwner, job.GetProperty("leaseOwner").GetString());
        Assert.Single(log, l => l.StartsWith("Step 1 of 4", StringComparison.Ordinal)); // finished before the crash: not run again
    }
}

using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Calico.Wizard.E2E;

/// <summary>
/// Two app processes on one database — the topology deploy/kubernetes ships — hit at once (issue 27). What the
/// product promises must hold however the requests interleave, because the database keeps it, not a lock in one
/// process: one cluster per range on a network, one effect per job command, never two active jobs for a cluster.
/// </summary>
public abstract class TwoReplicas : IAsyncLifetime
{
    private readonly List<WizardApp> apps = [];
    public WizardApp A { get; private set; } = default!;
    public WizardApp B { get; private set; } = default!;

    /// <summary>The store both replicas use, as command-line settings.</summary>
    protected abstract string[] StoreArgs { get; }

    /// <summary>A connection to that store, to look at what the database itself holds.</summary>
    public abstract DbConnection Connect();

    /// <summary>How the store writes a cluster id in SQL: EF keeps a Guid as upper-case text on SQLite, as uuid on PostgreSQL.</summary>
    public abstract string ClusterKey(Guid id);

    protected virtual bool Enabled => true;

    protected virtual Task DropStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        if (!Enabled) return;
        // One replica migrates first (as a rollout does); the second then starts on the migrated store.
        A = await StartAsync();
        B = await StartAsync();
    }

    private async Task<WizardApp> StartAsync()
    {
        var app = await WizardApp.StartAsync(null, [.. StoreArgs, "--Provisioning:DryRunStepDelay=00:00:02", "--Provisioning:PollInterval=00:00:00.200"]);
        apps.Add(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        if (Enabled) await DropStoreAsync();
    }
}

public sealed class SqliteReplicas : TwoReplicas
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"calico-wizard-race-{Guid.NewGuid():N}.db");

    protected override string[] StoreArgs => [$"--Storage:SqlitePath={path}"];

    public override DbConnection Connect() => new SqliteConnection($"Data Source={path};Pooling=False");

    public override string ClusterKey(Guid id) => $"'{id.ToString().ToUpperInvariant()}'";

    protected override Task DropStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
        return Task.CompletedTask;
    }
}

public sealed class PostgresReplicas : TwoReplicas
{
    private readonly string database = $"calico_race_{Guid.NewGuid():N}";

    private string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresTests.ConnectionString) { Database = database }.ConnectionString;

    protected override string[] StoreArgs => ["--Storage:Provider=PostgreSQL", $"--Storage:PostgreSQL={ConnectionString}"];

    public override DbConnection Connect() => new NpgsqlConnection(ConnectionString);

    public override string ClusterKey(Guid id) => $"'{id}'";

    /// <summary>Without a server every test here is skipped (and says why): start nothing.</summary>
    protected override bool Enabled => PostgresTests.SkipReason is null;

    protected override Task DropStoreAsync() => PostgresTests.DropDatabaseAsync(database);
}

/// <summary>The scenarios, the same on both stores; each uses a network (and clusters) of its own on the shared replicas.</summary>
public abstract class ConcurrencyPromiseTests(TwoReplicas replicas)
{
    private WizardApp A => replicas.A;
    private WizardApp B => replicas.B;
    private DbConnection Connect() => replicas.Connect();
    private string ClusterKey(Guid id) => replicas.ClusterKey(id);

    private static object Draft(int i, string network, string containers, string services, string stack = "IPv4", string containersV6 = "", string servicesV6 = "") => new
    {
        id = Guid.NewGuid(), name = $"race-{i}-{Guid.NewGuid():N}"[..20], provider = "BareOS", machineKind = "Virtual", l2Network = network,
        plannedNodes = "3", networkStack = stack, containersCidr = containers, servicesCidr = services, containersCidrV6 = containersV6, servicesCidrV6 = servicesV6,
        backend = "Calico", ipInIpMode = stack == "DualStack" ? "Never" : "Always", natOutgoing = stack != "DualStack", blockSize = "26", blockSizeV6 = "122",
        mtu = "1440", underlayMtu = "1500", interfaceDetection = "FirstFound",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(WizardApp app, string path, object? body = null)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        using var response = await http.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Twenty requests at once, alternating between the replicas, released together.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)[]> BurstAsync(Func<int, (string Path, object? Body)> request)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = Enumerable.Range(0, 20).Select(async i =>
        {
            await go.Task;
            var (path, body) = request(i);
            return await PostAsync(i % 2 == 0 ? A : B, path, body);
        }).ToArray();
        go.SetResult();
        return await Task.WhenAll(sends);
    }

    private async Task<JsonElement> ClusterAsync(Guid id)
    {
        using var http = new HttpClient { BaseAddress = A.BaseUrl };
        return await http.GetFromJsonAsync<JsonElement>($"api/clusters/{id}");
    }

    /// <summary>Until the cluster's newest job is in one of <paramref name="states"/>: generous, as other tests' jobs may be queued on the same two workers.</summary>
    private async Task<JsonElement> WaitForJobAsync(Guid cluster, params string[] states)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        JsonElement job;
        do
        {
            job = (await ClusterAsync(cluster)).GetProperty("job");
            if (states.Contains(job.GetProperty("state").GetString())) return job;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"the job of {cluster} is still {job}");
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Describe(IEnumerable<(HttpStatusCode Status, JsonElement Body)> answers) =>
        string.Join("\n", answers.Select(a => $"{(int)a.Status} {a.Body}"));

    protected async Task TwentySubmissionsOfTheSameExplicitRanges()
    {
        var answers = await BurstAsync(i => ("api/clusters", Draft(i, "rack-explicit", "10.50.0.0/16", "10.51.0.0/16")));

        Assert.True(answers.Count(a => a.Status == HttpStatusCode.Created) == 1, Describe(answers));
        var winner = answers.Single(a => a.Status == HttpStatusCode.Created).Body.GetProperty("clusterId").GetGuid();
        var name = (await ClusterAsync(winner)).GetProperty("name").GetString()!;
        // every other one is refused by the overlap rule, naming the cluster that won
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a =>
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, a.Status);
            Assert.Contains(name, a.Body.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        });
        Assert.Equal(2, await ScalarAsync("""SELECT COUNT(*) FROM "ClusterRanges" WHERE "NetworkKey" = 'rack-explicit'"""));
        await CancelAllAsync(answers);
    }

    protected async Task TwentySuggestSubmissions(string stack)
    {
        var network = $"rack-suggest-{stack.ToLowerInvariant()}";
        var answers = await BurstAsync(i => ("api/clusters", stack == "IPv4"
            ? Draft(i, network, "suggest", "suggest")
            : Draft(i, network, "suggest", "suggest", "DualStack", "suggest", "suggest")));

        Assert.True(answers.All(a => a.Status == HttpStatusCode.Created), Describe(answers));
        // the clusters as stored (not the ranges index the constraint guards): every range of every cluster on the network
        var ranges = new List<IPNetwork>();
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""SELECT "ContainersCidr", "ServicesCidr", "ContainersCidrV6", "ServicesCidrV6" FROM "Clusters" WHERE "NetworkKey" = '{network}'""";
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
                for (var c = 0; c < 4; c++)
                    if (!await rows.IsDBNullAsync(c)) ranges.Add(IPNetwork.Parse(rows.GetString(c)));
        }
        Assert.Equal(stack == "IPv4" ? 40 : 80, ranges.Count);
        for (var x = 0; x < ranges.Count; x++)
            for (var y = x + 1; y < ranges.Count; y++)
                Assert.False(ranges[x].Contains(ranges[y].BaseAddress) || ranges[y].Contains(ranges[x].BaseAddress), $"{ranges[x]} overlaps {ranges[y]}");
        await CancelAllAsync(answers);
    }

    /// <summary>Cancels the (still queued) jobs of clusters a test made only to count them, so the shared workers are free for the next test.</summary>
    private async Task CancelAllAsync(IEnumerable<(HttpStatusCode Status, JsonElement Body)> created)
    {
        foreach (var (status, body) in created.Where(a => a.Status == HttpStatusCode.Created))
            await PostAsync(A, $"api/clusters/{body.GetProperty("clusterId").GetGuid()}/cancel");
    }

    protected async Task BurstsOfJobCommands()
    {
        var (status, body) = await PostAsync(A, "api/clusters", Draft(0, "rack-commands", "10.60.0.0/16", "10.61.0.0/16"));
        Assert.Equal(HttpStatusCode.Created, status);
        var cluster = body.GetProperty("clusterId").GetGuid();
        await WaitForJobAsync(cluster, "Succeeded");
        string Path(string action) => $"api/clusters/{cluster}/{action}";
        async Task<int> AuditedAsync(string action) =>
            (await ClusterAsync(cluster)).GetProperty("audit").EnumerateArray().Count(a => a.GetProperty("action").GetString() == action);
        async Task<long> ActiveJobsAsync() =>
            await ScalarAsync($"""SELECT COUNT(*) FROM "Jobs" WHERE "State" IN ('Pending', 'Running') AND "ClusterId" = {ClusterKey(cluster)}""");

        // run again: one new job
        var runAgain = await BurstAsync(_ => (Path("run-again"), null));
        Assert.True(runAgain.Count(a => a.Status == HttpStatusCode.Accepted) == 1, Describe(runAgain));
        Assert.All(runAgain.Where(a => a.Status != HttpStatusCode.Accepted), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        Assert.Equal(1, await AuditedAsync("RunAgain"));
        Assert.Equal(1, await ActiveJobsAsync());

        // cancel: asked once, audited once
        var cancel = await BurstAsync(_ => (Path("cancel"), null));
        Assert.True(cancel.Count(a => a.Status == HttpStatusCode.Accepted) == 1, Describe(cancel));
        Assert.Equal(1, await AuditedAsync("Cancelled"));
        await WaitForJobAsync(cluster, "Cancelled");

        // retry: queued once
        var retry = await BurstAsync(_ => (Path("retry"), null));
        Assert.True(retry.Count(a => a.Status == HttpStatusCode.Accepted) == 1, Describe(retry));
        Assert.Equal(1, await AuditedAsync("Retried"));
        var retried = await WaitForJobAsync(cluster, "Succeeded");
        Assert.Single(retried.GetProperty("log").EnumerateArray(), l => l.GetProperty("message").GetString() == "Retry requested");

        // a mixed burst: whatever wins, each 202 is one transition — one new job per run-again, one audit entry per
        // command — and the database never holds two active jobs of the cluster (sampled while the burst runs)
        var before = new Dictionary<string, int>();
        foreach (var action in new[] { "RunAgain", "Cancelled", "Retried" }) before[action] = await AuditedAsync(action);
        var jobsBefore = await ScalarAsync($"""SELECT COUNT(*) FROM "Jobs" WHERE "ClusterId" = {ClusterKey(cluster)}""");
        string[] mix = ["run-again", "cancel", "retry", "run-again", "cancel"];
        using var sampling = new CancellationTokenSource();
        var mostActive = Task.Run(async () =>
        {
            long most = 0;
            while (!sampling.IsCancellationRequested) most = Math.Max(most, await ActiveJobsAsync());
            return most;
        });
        var mixed = await BurstAsync(i => (Path(mix[i % mix.Length]), null));
        await sampling.CancelAsync();
        Assert.True(await mostActive <= 1, "two active jobs at once");
        Assert.All(mixed, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{(int)a.Status} {a.Body}"));
        int Accepted(string action) => mixed.Where((a, i) => mix[i % mix.Length] == action && a.Status == HttpStatusCode.Accepted).Count();
        foreach (var (action, audit) in new[] { ("run-again", "RunAgain"), ("cancel", "Cancelled"), ("retry", "Retried") })
            Assert.True(before[audit] + Accepted(action) == await AuditedAsync(audit), $"{action}: {Accepted(action)} accepted\n{Describe(mixed)}");
        Assert.Equal(jobsBefore + Accepted("run-again"), await ScalarAsync($"""SELECT COUNT(*) FROM "Jobs" WHERE "ClusterId" = {ClusterKey(cluster)}"""));
        var final = await WaitForJobAsync(cluster, "Succeeded", "Cancelled", "Failed");
        Assert.True(await ActiveJobsAsync() == 0, $"{final}");
    }

}

public sealed class SqliteConcurrencyPromiseTests(SqliteReplicas replicas) : ConcurrencyPromiseTests(replicas), IClassFixture<SqliteReplicas>
{
    [Fact]
    public Task Twenty_submissions_of_the_same_explicit_ranges_make_exactly_one_cluster() => TwentySubmissionsOfTheSameExplicitRanges();

    [Theory]
    [InlineData("IPv4")]
    [InlineData("DualStack")]
    public Task Twenty_suggest_submissions_on_one_network_get_twenty_clusters_and_no_overlap(string stack) => TwentySuggestSubmissions(stack);

    [Fact]
    public Task Bursts_of_job_commands_take_effect_once_each_and_never_leave_two_active_jobs() => BurstsOfJobCommands();
}

public sealed class PostgresConcurrencyPromiseTests(PostgresReplicas replicas) : ConcurrencyPromiseTests(replicas), IClassFixture<PostgresReplicas>
{
    [PostgresFact]
    public Task Twenty_submissions_of_the_same_explicit_ranges_make_exactly_one_cluster() => TwentySubmissionsOfTheSameExplicitRanges();

    [PostgresTheory]
    [InlineData("IPv4")]
    [InlineData("DualStack")]
    public Task Twenty_suggest_submissions_on_one_network_get_twenty_clusters_and_no_overlap(string stack) => TwentySuggestSubmissions(stack);

    [PostgresFact]
    public Task Bursts_of_job_commands_take_effect_once_each_and_never_leave_two_active_jobs() => BurstsOfJobCommands();
}

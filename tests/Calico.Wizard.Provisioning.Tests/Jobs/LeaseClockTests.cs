using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning.Tests;

/// <summary>
/// Leases, heartbeats and the worker's poll on a <see cref="TestClock"/>: a lease is taken over exactly once it ran out
/// and not a moment before, a live replica's heartbeat keeps it, a replica learns it lost its job on its next beat, and
/// the worker looks for others' jobs once per poll. Each test would fail if that moment moved or the wait went back to
/// the system's clock (nothing here waits for real time to pass).
/// </summary>
public sealed class LeaseClockTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(1);

    private static Task<ProvisioningFixture> FixtureAsync(TestClock clock, StoreProvider provider = StoreProvider.Sqlite) =>
        ProvisioningFixture.CreateAsync(s => s
            .AddSingleton<TimeProvider>(clock)
            .Configure<ProvisioningOptions>(o => (o.LeaseDuration, o.PollInterval) = (Lease, Poll)), provider);

    private static async Task<Guid> SubmitAsync(ProvisioningFixture f)
    {
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        return (await f.SingleJobOfAsync(result.ClusterId)).Id;
    }

    /// <summary>Claims the job as a worker on <paramref name="replica"/> would; null when another replica holds it.</summary>
    private static Task<JobLease?> ClaimAsync(ProvisioningFixture f, Replica replica, TestClock clock, Guid jobId, CancellationTokenSource job) =>
        JobLease.ClaimAsync(f.Services.GetRequiredService<IDbContextFactory<WizardDbContext>>(), replica,
            f.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value, clock, NullLogger.Instance, jobId, job, CancellationToken.None);

    private sealed record LeaseRow(string? Owner, DateTime? Until, int Attempts);

    private static async Task<LeaseRow> LeaseOfAsync(ProvisioningFixture f, Guid jobId)
    {
        await using var db = await f.NewDbContextAsync();
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
        return new LeaseRow(job.LeaseOwner, job.LeaseExpiresAt, job.Attempts);
    }

    [Fact]
    public Task A_dead_replicas_lease_is_taken_over_when_its_duration_has_passed_on_the_clock_not_before() => TakenOverExactlyWhenItRunsOut(StoreProvider.Sqlite);

    [PostgresFact]
    public Task A_dead_replicas_lease_is_taken_over_when_its_duration_has_passed_on_the_clock_not_before_on_postgres() => TakenOverExactlyWhenItRunsOut(StoreProvider.PostgreSQL);

    private static async Task TakenOverExactlyWhenItRunsOut(StoreProvider provider)
    {
        var clock = new TestClock();
        await using var f = await FixtureAsync(clock, provider);
        var jobId = await SubmitAsync(f);
        var (a, b) = (new Replica(clock), new Replica(clock));
        using var jobOnA = new CancellationTokenSource();
        using var jobOnB = new CancellationTokenSource();

        var claimed = await ClaimAsync(f, a, clock, jobId, jobOnA);
        Assert.NotNull(claimed);
        Assert.Equal(new LeaseRow(a.Owner, clock.UtcNow + Lease, 1), await LeaseOfAsync(f, jobId));
        await claimed.DisposeAsync(); // its process dies: no heartbeat renews the lease any more

        clock.Advance(Lease); // the lease's last moment: still A's
        Assert.Null(await ClaimAsync(f, b, clock, jobId, jobOnB));
        Assert.Equal(a.Owner, (await LeaseOfAsync(f, jobId)).Owner);

        clock.Advance(Moment);
        await using var taken = await ClaimAsync(f, b, clock, jobId, jobOnB);
        Assert.NotNull(taken);
        Assert.Equal(new LeaseRow(b.Owner, clock.UtcNow + Lease, 2), await LeaseOfAsync(f, jobId));
    }

    [Fact]
    public async Task A_live_replicas_heartbeat_renews_its_lease_on_the_clock_so_it_is_not_taken_over_when_the_first_lease_ends()
    {
        var clock = new TestClock();
        await using var f = await FixtureAsync(clock);
        var jobId = await SubmitAsync(f);
        var (a, b) = (new Replica(clock), new Replica(clock));
        using var jobOnA = new CancellationTokenSource();
        using var jobOnB = new CancellationTokenSource();
        var beat = f.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.HeartbeatInterval;
        var claimedAt = clock.UtcNow;

        await using var lease = await ClaimAsync(f, a, clock, jobId, jobOnA);
        Assert.NotNull(lease);
        await clock.ArmedAsync(beat);
        clock.Advance(beat - Moment);
        Assert.Equal(claimedAt + Lease, (await LeaseOfAsync(f, jobId)).Until); // no beat before its interval

        clock.Advance(Moment);
        await clock.ArmedAsync(beat, 2); // the beat renewed the lease and waits for the next one
        Assert.Equal(new LeaseRow(a.Owner, claimedAt + beat + Lease, 1), await LeaseOfAsync(f, jobId));
        Assert.Equal(claimedAt + beat, a.LastAliveAt);

        clock.SetUtcNow(claimedAt + Lease + Moment); // past the lease it claimed with (A's next beats renew it again)
        Assert.Null(await ClaimAsync(f, b, clock, jobId, jobOnB));
        Assert.Equal(a.Owner, (await LeaseOfAsync(f, jobId)).Owner);
        Assert.False(lease.Lost);
        Assert.False(jobOnA.IsCancellationRequested);
    }

    [Fact]
    public async Task A_replica_whose_job_was_taken_over_learns_it_on_its_next_heartbeat_and_stops_the_job()
    {
        var clock = new TestClock();
        await using var f = await FixtureAsync(clock);
        var jobId = await SubmitAsync(f);
        var (a, b) = (new Replica(clock), new Replica(clock));
        using var jobOnA = new CancellationTokenSource();
        using var jobOnB = new CancellationTokenSource();
        var beat = f.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.HeartbeatInterval;

        await using var stalled = await ClaimAsync(f, a, clock, jobId, jobOnA);
        Assert.NotNull(stalled);
        await clock.ArmedAsync(beat);
        // A's renewals did not reach the store (a stall, a network cut): its lease ran out and B took the job
        await using (var db = await f.NewDbContextAsync())
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, clock.UtcNow - Moment));
        await using var taken = await ClaimAsync(f, b, clock, jobId, jobOnB);
        Assert.NotNull(taken);
        Assert.False(stalled.Lost); // nothing tells A before its next beat

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = jobOnA.Token.Register(() => stopped.TrySetResult());
        clock.Advance(beat);
        await stopped.Task.WaitAsync(ProvisioningFixture.Timeout);

        Assert.True(stalled.Lost);
        Assert.False(jobOnB.IsCancellationRequested);
        Assert.False(taken.Lost);
        Assert.Equal(b.Owner, (await LeaseOfAsync(f, jobId)).Owner);
    }

    [Fact]
    public async Task The_worker_finds_a_dead_replicas_job_on_its_first_poll_after_the_lease_ran_out()
    {
        var clock = new TestClock();
        await using var f = await FixtureAsync(clock);
        var jobId = await SubmitAsync(f);
        await using (var db = await f.NewDbContextAsync()) // claimed now by a replica that died at once
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running)
                .SetProperty(j => j.LeaseOwner, "replica-gone").SetProperty(j => j.LeaseExpiresAt, clock.UtcNow + Lease).SetProperty(j => j.Attempts, 1));

        var restarted = await f.StartProcessAsync(); // another process: the job is not in its queue, only in the store
        // polls at 10, 20 and 30 s find nothing: at 30 s the lease has only just run out (its last moment is still its owner's)
        for (var poll = 1; poll <= Lease / Poll; poll++)
        {
            await clock.ArmedAsync(Poll, poll);
            Assert.Equal(("replica-gone", JobState.Running), await OwnerAsync());
            clock.Advance(Poll);
        }
        await clock.ArmedAsync(Poll, (int)(Lease / Poll) + 1);
        Assert.Equal(("replica-gone", JobState.Running), await OwnerAsync());

        clock.Advance(Poll);
        var job = await f.WaitUntilFinishedAsync(jobId, restarted);
        Assert.Equal(JobState.Succeeded, job.State);
        var owner = restarted.GetRequiredService<Replica>().Owner;
        var claim = Assert.Single(job.Log, l => l.Message.StartsWith("Claimed by ", StringComparison.Ordinal));
        Assert.Equal(($"Claimed by {owner}", clock.Start.UtcDateTime + Lease + Poll), (claim.Message, claim.At));

        async Task<(string Owner, JobState State)> OwnerAsync()
        {
            await using var db = await f.NewDbContextAsync();
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            return (job.LeaseOwner ?? "", job.State);
        }
    }
}

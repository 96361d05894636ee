using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning.Tests.Jobs;

/// <summary>
/// Every job ends (issue 27): an exception anywhere — before the first step, in a step, reading the stored
/// manifests — ends it Failed with the reason; a job whose worker keeps dying gives up after MaxAttempts; and a
/// draft's manifests are read at submit exactly as the worker reads them.
/// </summary>
public sealed class NoEndlessJobTests
{
    /// <summary>A target that cannot even plan: the throw comes before the first step is recorded.</summary>
    private sealed class UnplannableTarget : IProvisioningTarget
    {
        public const string Reason = "the plan needs a node list this target could not read";
        public string Name => "unplannable";
        public string Description => "throws from Plan";
        public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects) => throw new InvalidOperationException(Reason);
    }

    [Fact]
    public async Task A_throw_before_the_first_step_ends_the_job_failed_with_the_reason_and_it_is_not_claimed_again()
    {
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(new UnplannableTarget()));
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(jobId);

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal($"The job stopped: {UnplannableTarget.Reason}", job.Error);
        Assert.Null(job.LeaseExpiresAt);
        Assert.Single(job.Log, l => l.Message.StartsWith("Claimed by ", StringComparison.Ordinal));
        Assert.Contains(job.Log, l => l.Message == $"Finished: Failed — The job stopped: {UnplannableTarget.Reason}");
        await using var db = await f.NewDbContextAsync();
        Assert.Equal(JobState.Failed, await db.Clusters.Select(c => c.State).SingleAsync()); // the list shows it failed
    }

    [Fact]
    public async Task Stored_manifests_the_worker_cannot_read_end_the_job_failed_saying_so()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        await f.ReplaceInStoredManifestAsync(jobId, "kind: Installation", "kind: [Installation"); // a flow sequence never closed

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(jobId);

        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("The job stopped: its stored manifests cannot be read", job.Error, StringComparison.Ordinal);
    }

    /// <summary>The job as a worker that died in step 2 for the third time leaves it: Running, lease run out, three attempts.</summary>
    private static async Task LeaveAsIfItsWorkerDiedAsync(ProvisioningFixture f, Guid jobId, int attempts)
    {
        await using var db = await f.NewDbContextAsync();
        var job = await db.Jobs.Include(j => j.Steps).SingleAsync(j => j.Id == jobId);
        job.State = JobState.Running;
        job.LeaseOwner = "replica-gone";
        job.LeaseExpiresAt = f.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddMinutes(-1);
        job.Attempts = attempts;
        job.Steps.Add(new JobStep { JobId = jobId, Index = 0, Name = StepRunner.CheckRulesStep, State = StepState.Succeeded });
        job.Steps.Add(new JobStep { JobId = jobId, Index = 1, Name = "Render manifests", State = StepState.Running });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_job_taken_over_max_attempts_times_without_progress_fails_saying_it_gave_up_and_where()
    {
        await using var f = await ProvisioningFixture.CreateAsync(s => s.Configure<ProvisioningOptions>(o => o.MaxAttempts = 3));
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        await LeaveAsIfItsWorkerDiedAsync(f, jobId, attempts: 3);

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(jobId);

        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("gave up after 3 attempts: the worker stopped during 'Render manifests' each time", job.Error, StringComparison.Ordinal);
        Assert.Equal(StepState.Failed, job.Steps.Single(s => s.Name == "Render manifests").State);
        Assert.Null(job.LeaseExpiresAt);

        // Retry starts counting afresh and finishes the job from that step
        Assert.True(await f.Commands.RetryAsync(jobId));
        job = await f.WaitUntilFinishedAsync(jobId);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(StepState.Succeeded, job.Steps.Single(s => s.Name == "Render manifests").State);
    }

    [Fact]
    public async Task A_job_taken_over_fewer_times_is_finished_and_every_finished_step_resets_the_count()
    {
        await using var f = await ProvisioningFixture.CreateAsync(s => s.Configure<ProvisioningOptions>(o => o.MaxAttempts = 3));
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        await LeaveAsIfItsWorkerDiedAsync(f, jobId, attempts: 2);

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(jobId);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(0, job.Attempts);
    }

    [Fact]
    public async Task The_poison_draft_provisions_because_the_worker_reads_each_document_of_its_manifests()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var result = await f.Submission.SubmitAsync(HostileDrafts.Poison());
        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(jobId);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(9, ManifestRenderer.Parse(job.ManifestYaml!).Count); // the Installation and the eight policies
    }

    [Fact]
    public async Task A_valid_policy_near_64_KB_whose_written_form_is_longer_is_accepted_and_applied()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var policy = HostileDrafts.LargePolicy(1, 63 * 1024);
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.NetworkPolicies.Add(policy)));
        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        var job = await f.SingleJobOfAsync(result.ClusterId);
        Assert.True(job.ManifestYaml!.Length > 64 * 1024, "the written form is the longer one this test is about");

        await f.StartWorkerAsync();
        Assert.Equal(JobState.Succeeded, (await f.WaitUntilFinishedAsync(job.Id)).State);
    }

    [Fact]
    public async Task Cancel_of_a_running_job_no_replica_runs_ends_it_at_once_and_a_second_cancel_is_refused()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        await LeaveAsIfItsWorkerDiedAsync(f, jobId, attempts: 1);

        Assert.True(await f.Commands.CancelAsync(jobId, "ops@example.com"));
        Assert.False(await f.Commands.CancelAsync(jobId, "ops@example.com"));

        var job = (await f.LoadJobAsync(jobId))!;
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal("Cancelled while no replica ran it", job.Error);
        await using var db = await f.NewDbContextAsync();
        Assert.Single(await db.Audit.Where(a => a.JobId == jobId && a.Action == AuditAction.Cancelled).ToListAsync());
    }

    [Fact]
    public async Task A_cancel_asked_of_a_running_job_is_asked_once_and_honoured_by_the_replica_that_claims_it_next()
    {
        var clock = new TestClock();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddSingleton<TimeProvider>(clock));
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        await LeaveAsIfItsWorkerDiedAsync(f, jobId, attempts: 1);
        await using (var db = await f.NewDbContextAsync()) // its owner is alive (lease not run out) but on another replica
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, clock.UtcNow.AddSeconds(1)));

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => f.Commands.CancelAsync(jobId, "ops@example.com")));
        Assert.Single(answers, a => a);

        // that replica dies before its heartbeat reads the request: whoever claims the job next ends it, on the first
        // poll after the lease ran out (the job was queued in this process, so its worker finds the lease held at once)
        var poll = f.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.PollInterval;
        await f.StartWorkerAsync();
        await clock.ArmedAsync(poll);
        clock.Advance(poll);
        var job = await f.WaitUntilFinishedAsync(jobId);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal("Cancelled before 'Render manifests'", job.Error); // the unfinished step is not started again
        Assert.DoesNotContain(job.Log, l => l.Message.StartsWith("Step 2 of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_of_a_job_that_is_no_longer_the_clusters_newest_is_refused()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var first = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        Assert.True(await f.Commands.CancelAsync(first));
        var second = await f.Commands.RunAgainAsync(result.ClusterId!.Value);
        Assert.NotNull(second);
        Assert.True(await f.Commands.CancelAsync(second.Value));

        Assert.False(await f.Commands.RetryAsync(first)); // would apply the older job's manifests over the newer one's
        Assert.True(await f.Commands.RetryAsync(second.Value));
    }
}

using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Calico.Wizard.Provisioning.Tests.Jobs;

public sealed class ProvisioningWorkerTests
{
    private static readonly DateTime BeforeTheCrash = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private static async Task<ProvisioningJob> SubmitAsync(ProvisioningFixture f)
    {
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        return await f.SingleJobOfAsync(result.ClusterId);
    }

    private static async Task<string[]> DryRunStepNamesAsync(ProvisioningFixture f)
    {
        await using var db = await f.NewDbContextAsync();
        var spec = ClusterSpec.FromJson(await db.Clusters.Select(c => c.SpecJson).SingleAsync());
        return new DryRunTarget().Plan(spec, ManifestRenderer.Render(spec)).Select(p => p.Name).ToArray();
    }

    /// <summary>
    /// Leaves the job as a crash would: Running, with its plan recorded and the first
    /// <paramref name="succeeded"/> steps done, then no worker left to finish it.
    /// </summary>
    private static async Task SimulateCrashAsync(ProvisioningFixture f, Guid jobId, IReadOnlyList<string> targetSteps, int succeeded)
    {
        await using var db = await f.NewDbContextAsync();
        var job = await db.Jobs.Include(j => j.Steps).SingleAsync(j => j.Id == jobId);
        Assert.Empty(job.Steps);
        job.State = JobState.Running;
        job.StartedAt = BeforeTheCrash;
        string[] names = [StepRunner.CheckRulesStep, .. targetSteps];
        for (var i = 0; i < names.Length; i++)
        {
            var done = i < succeeded;
            job.Steps.Add(new JobStep
            {
                JobId = job.Id,
                Index = i,
                Name = names[i],
                State = done ? StepState.Succeeded : i == succeeded ? StepState.Running : StepState.Pending,
                Message = done ? "done before the crash" : null,
                StartedAt = done || i == succeeded ? BeforeTheCrash.AddSeconds(i) : null,
                FinishedAt = done ? BeforeTheCrash.AddSeconds(i).AddMilliseconds(500) : null,
            });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// A restart: a new process on the same store, whose worker finds the job on its first poll (nothing is in its own
    /// queue), which comes round when the test moves <paramref name="clock"/> on rather than after real seconds.
    /// </summary>
    private static async Task<ServiceProvider> RestartAsync(ProvisioningFixture f, TestClock clock)
    {
        var restarted = await f.StartProcessAsync();
        var poll = restarted.GetRequiredService<IOptions<ProvisioningOptions>>().Value.PollInterval;
        await clock.ArmedAsync(poll);
        clock.Advance(poll);
        return restarted;
    }

    [Fact]
    public async Task Worker_should_run_a_submitted_job_to_succeeded_with_every_step_succeeded_and_finished_succeeded_logged()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await f.StartWorkerAsync();

        var submitted = await SubmitAsync(f);
        var job = await f.WaitUntilFinishedAsync(submitted.Id);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Null(job.Error);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
        Assert.Equal(1 + (await DryRunStepNamesAsync(f)).Count(), job.Steps.Count);
        Assert.All(job.Steps, s =>
        {
            Assert.Equal(StepState.Succeeded, s.State);
            Assert.NotNull(s.StartedAt);
            Assert.NotNull(s.FinishedAt);
        });
        Assert.Equal(StepRunner.CheckRulesStep, job.Steps[0].Name);
        Assert.Equal(await DryRunStepNamesAsync(f), job.Steps.Skip(1).Select(s => s.Name));
        Assert.Contains(job.Log, l => l.Message == "Finished: Succeeded");
        Assert.Equal("Finished: Succeeded", job.Log[^1].Message);
        Assert.Contains("kind: Installation", job.ManifestYaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_should_finish_a_running_job_after_restart_without_rerunning_its_succeeded_first_step()
    {
        var clock = new TestClock();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddSingleton<TimeProvider>(clock));
        var submitted = await SubmitAsync(f); // no worker in this "process": it crashes before running anything
        var dryRunSteps = await DryRunStepNamesAsync(f);
        await SimulateCrashAsync(f, submitted.Id, dryRunSteps, succeeded: 1);

        var restarted = await RestartAsync(f, clock);
        var job = await f.WaitUntilFinishedAsync(submitted.Id, restarted);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(BeforeTheCrash, job.StartedAt);
        Assert.All(job.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        var first = job.Steps[0];
        Assert.Equal(BeforeTheCrash, first.StartedAt);
        Assert.Equal(BeforeTheCrash.AddMilliseconds(500), first.FinishedAt);
        Assert.Equal("done before the crash", first.Message);
        Assert.DoesNotContain(job.Log, l => l.Message.StartsWith("Step 1 of 4", StringComparison.Ordinal));
        for (var step = 2; step <= 4; step++) Assert.Contains(job.Log, l => l.Message.StartsWith($"Step {step} of 4", StringComparison.Ordinal));
        Assert.Equal("Finished: Succeeded", job.Log[^1].Message);
    }

    [Fact]
    public async Task Worker_should_not_run_a_target_step_again_after_restart_when_it_succeeded_before_the_crash()
    {
        var target = new CountingTarget();
        var clock = new TestClock();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(target).AddSingleton<TimeProvider>(clock));
        var submitted = await SubmitAsync(f);
        await SimulateCrashAsync(f, submitted.Id, CountingTarget.StepNames, succeeded: 2); // rules and the target's first step

        var restarted = await RestartAsync(f, clock);
        var job = await f.WaitUntilFinishedAsync(submitted.Id, restarted);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(0, target.RunsOf(0));
        Assert.Equal(1, target.RunsOf(1));
        Assert.Equal(BeforeTheCrash.AddSeconds(1), job.Steps[1].StartedAt);
        Assert.Equal("done before the crash", job.Steps[1].Message);
        Assert.Equal("Wait for Calico: done", job.Steps[2].Message);
    }

    [Fact]
    public async Task Worker_should_fail_the_job_naming_the_target_when_the_target_is_unknown()
    {
        var clock = new TestClock();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddSingleton<TimeProvider>(clock));
        var submitted = await SubmitAsync(f);
        // Submission refuses unknown targets, so this is a job whose target was removed from the configuration
        // between the submission and the run.
        await using (var db = await f.NewDbContextAsync())
            await db.Jobs.Where(j => j.Id == submitted.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Target, "k8s-prod"));

        var restarted = await RestartAsync(f, clock);
        var job = await f.WaitUntilFinishedAsync(submitted.Id, restarted);

        Assert.Equal(JobState.Failed, job.State);
        Assert.NotNull(job.Error);
        Assert.Contains("'k8s-prod'", job.Error, StringComparison.Ordinal);
        Assert.NotNull(job.FinishedAt);
        Assert.Empty(job.Steps);
        Assert.StartsWith("Finished: Failed", job.Log[^1].Message, StringComparison.Ordinal);
        Assert.Contains("'k8s-prod'", job.Log[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_should_reset_a_failed_job_and_run_it_resuming_at_the_failed_step()
    {
        var target = new FlakyTarget();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(target));
        await f.StartWorkerAsync();
        var submitted = await SubmitAsync(f);

        var failed = await f.WaitUntilFinishedAsync(submitted.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains(FlakyTarget.FirstFailure, failed.Error, StringComparison.Ordinal);
        Assert.Equal([StepState.Succeeded, StepState.Failed], failed.Steps.Select(s => s.State));
        Assert.Equal(FlakyTarget.FirstFailure, failed.Steps[1].Message);

        Assert.True(await f.Commands.RetryAsync(submitted.Id));
        var retried = await f.WaitUntilFinishedAsync(submitted.Id);

        Assert.Equal(JobState.Succeeded, retried.State);
        Assert.Null(retried.Error);
        Assert.Equal(2, target.Runs);
        Assert.All(retried.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal("applied on the second try", retried.Steps[1].Message);
        Assert.Equal(failed.Steps[0].FinishedAt, retried.Steps[0].FinishedAt); // the rules step was not run again
        Assert.Contains(retried.Log, l => l.Message == "Retry requested");
        Assert.Equal("Finished: Succeeded", retried.Log[^1].Message);
    }

    [Fact]
    public async Task Retry_should_refuse_when_the_job_has_not_failed()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var submitted = await SubmitAsync(f);

        Assert.False(await f.Commands.RetryAsync(submitted.Id));
        Assert.False(await f.Commands.RetryAsync(Guid.NewGuid()));
        Assert.Equal(JobState.Pending, (await f.LoadJobAsync(submitted.Id))!.State);
    }

    [Fact]
    public async Task Cancel_should_cancel_a_pending_job_at_once()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var submitted = await SubmitAsync(f);

        Assert.True(await f.Commands.CancelAsync(submitted.Id));

        var job = await f.LoadJobAsync(submitted.Id);
        Assert.NotNull(job);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal("Cancelled before it started", job.Error);
        Assert.NotNull(job.FinishedAt);
        Assert.StartsWith("Finished: Cancelled", job.Log[^1].Message, StringComparison.Ordinal);
        Assert.False(await f.Commands.CancelAsync(submitted.Id)); // nothing left to cancel
    }

    [Fact]
    public async Task Cancel_should_stop_a_running_job_when_its_step_is_waiting()
    {
        var target = new BlockingTarget();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(target));
        await f.StartWorkerAsync();
        var submitted = await SubmitAsync(f);
        await target.Started.Task.WaitAsync(ProvisioningFixture.Timeout);

        Assert.True(await f.Commands.CancelAsync(submitted.Id));
        var job = await f.WaitUntilFinishedAsync(submitted.Id);

        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Contains(BlockingTarget.StepName, job.Error, StringComparison.Ordinal);
        Assert.Equal(StepState.Succeeded, job.Steps[0].State);
        Assert.Equal(StepState.Failed, job.Steps[1].State);
        Assert.Equal("Cancelled", job.Steps[1].Message);
        Assert.StartsWith("Finished: Cancelled", job.Log[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_should_run_a_cancelled_job_again()
    {
        var target = new CountingTarget();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(target));
        var submitted = await SubmitAsync(f);
        Assert.True(await f.Commands.CancelAsync(submitted.Id));
        await f.StartWorkerAsync();

        Assert.True(await f.Commands.RetryAsync(submitted.Id));
        var job = await f.WaitUntilFinishedAsync(submitted.Id);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1, target.RunsOf(0));
        Assert.Equal(1, target.RunsOf(1));
    }
}

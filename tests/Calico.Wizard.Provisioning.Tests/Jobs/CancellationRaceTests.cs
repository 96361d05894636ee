using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Provisioning.Jobs;
using Calico.Wizard.Store;
using Calico.Wizard.Provisioning.Targets;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Provisioning.Tests.Jobs;

/// <summary>Cancel arriving at the worst moments: it either stops the job or says it could not — never both.</summary>
public sealed class CancellationRaceTests
{
    /// <summary>Calls Cancel from inside Plan(): the worker has picked the job up, its steps have not run.</summary>
    private sealed class CancelDuringPlanTarget : IProvisioningTarget
    {
        public JobCommands? Commands { get; set; }
        public Guid JobId { get; set; }
        public bool? CancelReturned { get; private set; }
        public int StepRuns;
        public string Name => "cancel-during-plan";
        public string Description => "cancels its own job while it is planned";

        public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects)
        {
            CancelReturned = Commands!.CancelAsync(JobId).GetAwaiter().GetResult();
            return [new("Apply", (_, _) => { Interlocked.Increment(ref StepRuns); return Task.FromResult<StepOutcome>("applied"); })];
        }
    }

    [Fact]
    public async Task Cancel_while_the_worker_picks_the_job_up_stops_it_before_any_target_step()
    {
        var target = new CancelDuringPlanTarget();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(target));
        target.Commands = f.Commands;
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        target.JobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(target.JobId);

        Assert.True(target.CancelReturned);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal(0, target.StepRuns);
    }

    [Fact]
    public async Task Cancel_as_soon_as_the_job_is_shown_running_is_honoured()
    {
        var target = new BlockingTarget();
        await using var f = await ProvisioningFixture.CreateAsync(s => s.AddDefaultTarget(target));
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var jobId = (await f.SingleJobOfAsync(result.ClusterId)).Id;
        var answers = new List<Task<bool>>();
        var asked = false;
        f.Services.GetRequiredService<JobNotifier>().JobChanged += id =>
        {
            // the first time the page could show it (the cancel's own notification comes back here, on this thread on SQLite)
            lock (answers) if (id == jobId && !asked) { asked = true; answers.Add(f.Commands.CancelAsync(jobId)); }
        };

        await f.StartWorkerAsync();
        var job = await f.WaitUntilFinishedAsync(jobId);

        Assert.True(await answers.Single());
        Assert.Equal(JobState.Cancelled, job.State);
    }
}

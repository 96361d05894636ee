using Calico.Wizard.Core.Providers;
using Calico.Wizard.Provisioning.Targets;
using Calico.Wizard.Store;

namespace Calico.Wizard.Provisioning.Tests.Targets;

/// <summary>The default target, with no cluster to ask: it judges each Installation by the operator CRD this build carries.</summary>
public sealed class DryRunTargetTests
{
    [Fact]
    public async Task A_calico_job_checks_its_installation_against_the_vendored_operator_crd()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await f.StartWorkerAsync();

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var job = await f.WaitUntilFinishedAsync((await f.SingleJobOfAsync(result.ClusterId)).Id);

        Assert.Equal(JobState.Succeeded, job.State);
        var step = job.Step(DryRunTarget.SchemaStep);
        Assert.Equal(StepState.Succeeded, step.State);
        Assert.StartsWith("Installation/default valid against the Installation CRD of tigera/operator@40788b9", step.Message);
    }

    [Fact]
    public async Task A_flannel_job_has_no_installation_to_check()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        await f.StartWorkerAsync();
        var azure = ProviderMatrix.Seed.Find("Azure")!;

        var result = await f.Submission.SubmitAsync(TestDrafts.Valid(d => d.ChangeProvider(azure, ProviderMatrix.Seed.BackendsFor("Azure")), d => d.L2Network = "prod-vnet"));
        Assert.True(result.Accepted, string.Join(" ", result.Check.Errors.Select(e => e.ErrorMessage)));
        var job = await f.WaitUntilFinishedAsync((await f.SingleJobOfAsync(result.ClusterId)).Id);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.DoesNotContain(job.Steps, s => s.Name == DryRunTarget.SchemaStep);
    }

    [Fact]
    public async Task An_installation_the_operator_crd_refuses_fails_the_schema_step_naming_the_field_and_the_crd()
    {
        await using var f = await ProvisioningFixture.CreateAsync();
        var result = await f.Submission.SubmitAsync(TestDrafts.Valid());
        var job = await f.SingleJobOfAsync(result.ClusterId);
        await f.ReplaceInStoredManifestAsync(job.Id, "encapsulation: IPIP\n", "encapsulation: IPIPAlways\n");
        await f.StartWorkerAsync();

        var failed = await f.WaitUntilFinishedAsync(job.Id);

        Assert.Equal(JobState.Failed, failed.State);
        var step = failed.Step(DryRunTarget.SchemaStep);
        Assert.Equal(StepState.Failed, step.State);
        Assert.StartsWith("The Tigera operator's Installation CRD (tigera/operator@40788b9) refuses: Installation/default: spec.calicoNetwork.ipPools[0].encapsulation: Unsupported value: \"IPIPAlways\": supported values: ", step.Message);
        Assert.Equal(StepState.Pending, failed.Steps[^1].State); // nothing stored as if it were fine
    }
}

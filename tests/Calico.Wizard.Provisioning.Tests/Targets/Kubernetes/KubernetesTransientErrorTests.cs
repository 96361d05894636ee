using System.Net;
using Calico.Wizard.Store;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>The resilience handler in the client's chain: 429 (after Retry-After), 409 and 5xx are retried a capped number of times.</summary>
public sealed class KubernetesTransientErrorTests
{
    private const string ApplyInstallation = "Apply Installation/default";

    [Fact]
    public async Task Too_many_requests_with_retry_after_should_be_retried_after_the_servers_delay_and_the_job_succeed()
    {
        await using var bed = await KubeTestBed.StartAsync(
            arrange: api => api.FailNext("PATCH", FakeKubeApi.InstallationPath, 1, HttpStatusCode.TooManyRequests));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        var patches = bed.Api.PatchesTo(FakeKubeApi.InstallationPath);
        Assert.Equal([429, 201], patches.Select(p => p.Status));
        Assert.Equal(patches[0].Body, patches[1].Body);
        KubernetesTargetTests.AssertServerSideApply(patches[1]);
        // RetryBaseDelay is 10 ms: only honouring "Retry-After: 1" makes the client wait this long
        Assert.True(patches[1].At - patches[0].At >= TimeSpan.FromMilliseconds(900),
            $"the retry came {(patches[1].At - patches[0].At).TotalMilliseconds:0} ms after the 429, before its Retry-After of 1 s");
        Assert.StartsWith("applied", job.Steps.Single(s => s.Name == ApplyInstallation).Message);
    }

    [Theory]
    [InlineData("PATCH", FakeKubeApi.InstallationPath, HttpStatusCode.InternalServerError, 2)]
    [InlineData("PATCH", FakeKubeApi.InstallationPath, HttpStatusCode.Conflict, 1)]
    [InlineData("GET", "/api/v1/nodes", HttpStatusCode.ServiceUnavailable, 2)]
    [InlineData("POST", FakeKubeApi.AccessReviewsPath, HttpStatusCode.InternalServerError, 1)]
    public async Task Transient_failures_fewer_than_the_retry_cap_should_be_retried_and_the_job_succeed(
        string method, string path, HttpStatusCode status, int times)
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { RetryAttempts = 3 }, api => api.FailNext(method, path, times, status));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error}");
        var attempts = bed.Api.Requests.Where(r => r.Method == method && r.Path == path && !r.IsDryRun).ToList();
        Assert.Equal(Enumerable.Repeat((int)status, times), attempts.Take(times).Select(r => r.Status));
        Assert.InRange(attempts[times].Status, 200, 201);
        if (path == FakeKubeApi.InstallationPath) Assert.Equal(times + 1, attempts.Count);
        Assert.Single(bed.Api.Patches, p => p.Path == FakeKubeApi.InstallationPath && p.Status is 200 or 201);
    }

    [Fact]
    public async Task A_permanent_500_should_fail_the_apply_step_after_the_capped_retries_naming_the_step_and_the_servers_answer()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { RetryAttempts = 2 },
            api => api.FailNext("PATCH", FakeKubeApi.InstallationPath, int.MaxValue, HttpStatusCode.InternalServerError));

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.Equal(JobState.Failed, job.State);
        var step = job.Steps.Single(s => s.State == StepState.Failed);
        Assert.Equal(ApplyInstallation, step.Name);
        Assert.Equal("Applying Installation default failed: the API server answered 500 InternalServerError: " +
            "injected failure: 500 for PATCH /apis/operator.tigera.io/v1/installations/default.", step.Message);
        Assert.Equal($"{ApplyInstallation}: {step.Message}", job.Error);
        Assert.Equal(StepState.Pending, job.Steps[^1].State);
        // one try and RetryAttempts retries, then it gives up: no more, no fewer
        Assert.Equal(3, bed.Api.PatchesTo(FakeKubeApi.InstallationPath).Count);
        Assert.Empty(bed.Api.WatchesOf(FakeKubeApi.TigeraStatusesPath));
    }

    [Fact]
    public async Task A_failed_apply_when_retried_should_resume_at_the_apply_without_repeating_the_preflight()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { RetryAttempts = 1 },
            api => api.FailNext("PATCH", FakeKubeApi.InstallationPath, 2, HttpStatusCode.InternalServerError));
        var failed = await bed.RunAsync(KubeTestBed.CalicoDraft());
        Assert.Equal(JobState.Failed, failed.State);
        var versionChecks = bed.Api.Requests.Count(r => r.Path.TrimEnd('/') == "/version");

        Assert.True(await bed.Fixture.Commands.RetryAsync(failed.Id));
        var retried = await bed.Fixture.WaitForJobAsync(failed.Id, j => j.State is JobState.Succeeded or JobState.Failed);

        Assert.True(retried.State == JobState.Succeeded, $"{retried.State}: {retried.Error}");
        Assert.Equal(versionChecks, bed.Api.Requests.Count(r => r.Path.TrimEnd('/') == "/version"));
        Assert.Equal([500, 500, 201], bed.Api.PatchesTo(FakeKubeApi.InstallationPath).Select(p => p.Status));
    }
}

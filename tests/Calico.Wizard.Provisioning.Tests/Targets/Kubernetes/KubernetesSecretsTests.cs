using System.Net;
using System.Text;
using Calico.Wizard.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>The kubeconfig's token is used on the wire and nowhere else: not in the database, the job's log or the logs.</summary>
public sealed class KubernetesSecretsTests
{
    [Fact]
    public async Task The_kubeconfig_token_after_a_succeeded_and_two_failed_jobs_should_be_nowhere_but_in_the_requests_headers()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { RetryAttempts = 1 });
        var token = bed.Api.Token;
        Assert.StartsWith("canary-", token);

        var succeeded = await bed.RunAsync(KubeTestBed.CalicoDraft());
        Assert.True(succeeded.State == JobState.Succeeded, $"{succeeded.State}: {succeeded.Error}");

        bed.Api.FailNext("PATCH", FakeKubeApi.InstallationPath, int.MaxValue, HttpStatusCode.InternalServerError);
        var applyFailed = await bed.RunAsync(KubeTestBed.CalicoDraft(d => d.Name = "edge-02", d => d.L2Network = "rack-2"));
        Assert.Equal(JobState.Failed, applyFailed.State);
        Assert.Contains("500", applyFailed.Error);

        bed.Api.RejectToken = true;
        var unauthorized = await bed.RunAsync(KubeTestBed.CalicoDraft(d => d.Name = "edge-03", d => d.L2Network = "rack-3"));
        Assert.Equal(JobState.Failed, unauthorized.State);
        Assert.Contains("401", unauthorized.Error);

        // it was really sent, as a bearer token, on every request
        Assert.All(bed.Api.Requests, r => Assert.Equal($"Bearer {token}", r.Authorization));

        // not in anything the jobs recorded
        await using (var db = await bed.Fixture.NewDbContextAsync())
        {
            var jobs = await db.Jobs.AsNoTracking().Include(j => j.Steps).Include(j => j.Log).ToListAsync();
            Assert.Equal(3, jobs.Count);
            var recorded = jobs.SelectMany(j => new[] { j.Error, j.ManifestYaml, j.Target }
                .Concat(j.Steps.Select(s => s.Message)).Concat(j.Log.Select(l => l.Message))).OfType<string>().ToList();
            Assert.Contains(recorded, text => text.Contains("the API server answered 401", StringComparison.Ordinal));
            Assert.DoesNotContain(recorded, text => text.Contains(token, StringComparison.Ordinal));
        }

        // not anywhere in the database's files
        SqliteConnection.ClearAllPools();
        var files = new[] { "", "-wal", "-journal" }.Select(s => bed.Fixture.DatabasePath + s).Where(File.Exists).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                await stream.CopyToAsync(copy);
                bytes = copy.ToArray();
            }
            Assert.True(bytes.AsSpan().IndexOf("the API server answered 401"u8) >= 0 || !file.EndsWith(".db", StringComparison.Ordinal),
                $"{file} does not hold the job log: the byte search would prove nothing");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token)) < 0, $"the token is in {file}");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(token)) < 0, $"the token is in {file} (UTF-16)");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(token)))) < 0,
                $"the token is in {file} (base64)");
        }

        // not in any log message
        var logs = bed.Logs.Lines;
        Assert.Contains(logs, l => l.Contains("succeeded on fake-cluster", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("failed at step", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_the_server_echoes_without_bearer_url_encoded_or_in_another_case_is_not_stored()
    {
        await using var bed = await KubeTestBed.StartAsync(new KubeBedOptions { RetryAttempts = 1 });
        var token = bed.Api.Token;
        bed.Api.RejectToken = true;
        bed.Api.UnauthorizedMessage = authorization =>
            $"the token {token} is not valid (got {authorization.Replace(" ", "%20", StringComparison.Ordinal)}; as sent: {token.ToUpperInvariant()})";

        var job = await bed.RunAsync(KubeTestBed.CalicoDraft());

        Assert.Equal(JobState.Failed, job.State);
        await using var db = await bed.Fixture.NewDbContextAsync();
        var recorded = (await db.Jobs.AsNoTracking().Include(j => j.Steps).Include(j => j.Log).ToListAsync())
            .SelectMany(j => new[] { j.Error }.Concat(j.Steps.Select(s => s.Message)).Concat(j.Log.Select(l => l.Message))).OfType<string>().ToList();
        Assert.Contains(recorded, text => text.Contains("the token [redacted] is not valid", StringComparison.Ordinal));
        Assert.DoesNotContain(recorded, text => text.Contains(token, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(recorded, text => text.Contains(token[7..], StringComparison.OrdinalIgnoreCase)); // not even the canary's random part
    }
}

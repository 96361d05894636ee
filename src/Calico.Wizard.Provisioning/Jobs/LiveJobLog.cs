using System.Threading.Channels;
using Calico.Wizard.Store;
using Microsoft.EntityFrameworkCore;

namespace Calico.Wizard.Provisioning.Jobs;

/// <summary>
/// What a running step reports (a watch's conditions, each object applied), stored and pushed to open pages as it
/// happens, in order — an operator watching a long wait sees why, and a cancel keeps what was seen.
/// </summary>
internal sealed class LiveJobLog : IAsyncDisposable
{
    private readonly Channel<(string Line, TaskCompletionSource? Flushed)> lines =
        Channel.CreateUnbounded<(string, TaskCompletionSource?)>(new() { SingleReader = true });
    private readonly IDbContextFactory<WizardDbContext> dbFactory;
    private readonly JobNotifier notifier;
    private readonly TimeProvider time;
    private readonly Guid jobId;
    private readonly Task writer;

    public LiveJobLog(IDbContextFactory<WizardDbContext> dbFactory, JobNotifier notifier, TimeProvider time, Guid jobId)
    {
        (this.dbFactory, this.notifier, this.time, this.jobId) = (dbFactory, notifier, time, jobId);
        writer = Task.Run(WriteAsync);
    }

    public void Add(string line) => lines.Writer.TryWrite((Secrets.Scrub(line), null));

    /// <summary>Waits until every line added so far is stored.</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return lines.Writer.TryWrite(("", flushed)) ? flushed.Task : Task.CompletedTask;
    }

    private async Task WriteAsync()
    {
        await foreach (var (line, flushed) in lines.Reader.ReadAllAsync())
        {
            if (flushed is not null) { flushed.TrySetResult(); continue; }
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                db.JobLog.Add(new JobLogLine { JobId = jobId, At = time.GetUtcNow().UtcDateTime, Message = line });
                await db.SaveChangesAsync();
                notifier.Notify(jobId);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // a line that cannot be stored (the store is briefly away) is lost, never the job
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lines.Writer.TryComplete();
        await writer;
    }
}

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// What the fake saw and did, in one numbering: each request as it arrived and each thing it did on its own (a CRD
/// became Established, calico became Available). Every entry, and every change of the store or the watches, wakes
/// a test's <see cref="WaitUntilAsync"/>, so a test waits for what it needs instead of sleeping.
/// </summary>
internal sealed class FakeJournal
{
    private readonly Lock gate = new();
    private readonly List<KubeRequest> requests = [];
    private readonly List<(long Seq, string What)> events = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long seq;

    public IReadOnlyList<KubeRequest> Requests
    {
        get { lock (gate) return [.. requests]; }
    }

    public IReadOnlyList<(long Seq, string What)> Events
    {
        get { lock (gate) return [.. events]; }
    }

    /// <summary>
    /// Records the request <paramref name="arrived"/> makes of the next number. It wakes no one: the caller calls
    /// <see cref="Changed"/> once it has decided what the request meets, so a test woken by it cannot change that.
    /// </summary>
    public KubeRequest Record(Func<long, KubeRequest> arrived)
    {
        lock (gate)
        {
            var request = arrived(++seq);
            requests.Add(request);
            return request;
        }
    }

    /// <summary>Records something the fake did on its own, numbered like the requests.</summary>
    public void Note(string what)
    {
        lock (gate) events.Add((++seq, what));
        Changed();
    }

    /// <summary>Wakes every waiter: something they may be waiting for has happened.</summary>
    public void Changed()
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }

    /// <summary>Waits (woken by every request and change, bounded by <paramref name="timeout"/>) until <paramref name="condition"/> holds.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ProvisioningFixture.Timeout);
        while (true)
        {
            Task next;
            lock (gate) next = changed.Task;
            if (condition()) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                Assert.Fail($"The fake API server never saw: {what}. Requests: {string.Join(" | ", Requests)}");
            await Task.WhenAny(next, Task.Delay(left));
        }
    }
}

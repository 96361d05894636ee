using Microsoft.Extensions.Time.Testing;

namespace Calico.Wizard.Testing;

/// <summary>
/// The clock a test moves by hand: a <see cref="FakeTimeProvider"/> that starts at a whole second and also counts the
/// waits armed on it (a <c>Task.Delay</c>, a timed <see cref="CancellationTokenSource"/>, a timer), by their length.
/// A test advances it once the wait it means to end was armed, so what has run and what has not is decided by the
/// test, never by how fast a busy machine is.
/// </summary>
/// <remarks>
/// <see cref="FakeTimeProvider.Advance(TimeSpan)"/> runs each due callback on the caller's thread, at the time the
/// callback was due; what the callback then does asynchronously (a store write) is waited for by the test.
/// </remarks>
public sealed class TestClock() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly Lock gate = new();
    private readonly Dictionary<TimeSpan, int> armed = [];
    private readonly List<TaskCompletionSource> waiting = [];

    /// <summary>The clock's time as the store keeps it.</summary>
    public DateTime UtcNow => GetUtcNow().UtcDateTime;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed(dueTime);
        return timer;
    }

    /// <summary>How many waits of <paramref name="length"/> were armed on this clock so far.</summary>
    public int TimesArmed(TimeSpan length)
    {
        lock (gate) return armed.GetValueOrDefault(length);
    }

    /// <summary>
    /// Returns once waits of <paramref name="length"/> were armed <paramref name="times"/> times in all (the n-th poll,
    /// heartbeat or window began); fails after <paramref name="within"/> of real time (60 s unless told), which only a
    /// broken test or a wait not on this clock reaches.
    /// </summary>
    public async Task ArmedAsync(TimeSpan length, int times = 1, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (armed.GetValueOrDefault(length) >= times) return;
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiting.Add(signal);
                next = signal.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(left)) != next)
                throw new TimeoutException($"a wait of {length} was armed {TimesArmed(length)} time(s) on the test clock, not {times}");
        }
    }

    private void Armed(TimeSpan length)
    {
        if (length == Timeout.InfiniteTimeSpan) return; // created stopped: counted when it is started
        TaskCompletionSource[] wake;
        lock (gate)
        {
            armed[length] = armed.GetValueOrDefault(length) + 1;
            wake = [.. waiting];
            waiting.Clear();
        }
        foreach (var signal in wake) signal.TrySetResult();
    }

    /// <summary>The fake's timer, counting each time it is started again (a timed token source is made stopped, then started).</summary>
    private sealed class WatchedTimer(ITimer timer, TestClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = timer.Change(dueTime, period);
            clock.Armed(dueTime);
            return changed;
        }

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}

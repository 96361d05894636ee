using System.Net;

namespace Calico.Wizard.Core.Registry;

/// <summary>
/// One wizard's memory of the registry's answers, so a keystroke in a field the registry does not read (the MTU,
/// the block size) asks it nothing: the answer for the same name, or the same range on the same network, is reused
/// until <see cref="Clear"/> (each step change) or until it is one of the oldest of <see cref="Capacity"/> answers.
/// The server's own check on submit never goes through a memo.
/// </summary>
public sealed class RegistryMemo(IClusterRegistry inner) : IClusterRegistry
{
    public const int Capacity = 8;

    private readonly List<(string Key, object Answer)> answers = [];
    private readonly Lock gate = new();

    public void Clear()
    {
        lock (gate) answers.Clear();
    }

    public Task<IReadOnlyList<RegisteredCluster>> OnNetworkAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
        inner.OnNetworkAsync(provider, l2Network, cancellationToken);

    public Task<Addresses.NetworkUsage> UsageAsync(string provider, string l2Network, CancellationToken cancellationToken = default) =>
        inner.UsageAsync(provider, l2Network, cancellationToken);

    public Task<RegisteredCluster?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
        RememberAsync($"name\n{name}", () => inner.FindByNameAsync(name, cancellationToken));

    public Task<IReadOnlyList<RegisteredCluster>> OverlappingAsync(
        string provider, string l2Network, IPNetwork range, CancellationToken cancellationToken = default) =>
        RememberAsync($"overlap\n{provider}\n{l2Network.Trim().ToLowerInvariant()}\n{range}",
            () => inner.OverlappingAsync(provider, l2Network, range, cancellationToken));

    private async Task<T> RememberAsync<T>(string key, Func<Task<T>> ask)
    {
        lock (gate)
        {
            var i = answers.FindIndex(a => a.Key == key);
            if (i >= 0) return (T)answers[i].Answer;
        }
        var answer = await ask();
        lock (gate)
        {
            answers.RemoveAll(a => a.Key == key);
            if (answers.Count >= Capacity) answers.RemoveAt(0);
            answers.Add((key, answer!));
        }
        return answer;
    }
}

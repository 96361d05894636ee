using System.Text.Json;
using Calico.Wizard.Core.Rendering;
using k8s;
using static System.FormattableString;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// Waiting for the cluster to say an object is ready: a CRD Established, TigeraStatus calico Available, the Flannel
/// DaemonSet rolled out. Each waits on a watch (not a polling loop), logs what changes, and on timeout says what it last saw.
/// </summary>
internal sealed class KubernetesReadiness(KubernetesApplyOptions options)
{
    /// <summary>Pause before watching again after the server ended a watch: one cut short at once must not turn into a request loop.</summary>
    private static readonly TimeSpan RewatchDelay = TimeSpan.FromSeconds(1);
    private static readonly string[] StatusConditions = ["Available", "Progressing", "Degraded"];

    public async Task WaitForCrdEstablishedAsync(IKubernetes client, string name, CancellationToken ct)
    {
        await WatchUntilAsync(client, "apiextensions.k8s.io", "v1", "customresourcedefinitions", name, options.CrdEstablishedTimeout,
            o => Condition(o, "Established") == "True" ? "Established" : null, ct,
            () => $"The CRD {name} was not Established within {options.CrdEstablishedTimeout}: check the API server's logs.");
    }

    /// <summary>Waits for calico Available, logging each change of its Available / Progressing / Degraded conditions; a timeout quotes the last ones.</summary>
    public async Task<StepOutcome> WaitForCalicoAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        string? last = null;
        return await WatchUntilAsync(client, Tigera.Group, Tigera.Version, Tigera.StatusPlural, Tigera.CalicoStatus, options.ReadinessTimeout,
            o =>
            {
                var now = string.Join(", ", StatusConditions.Select(type => DescribeCondition(o, type)));
                if (now != last) ctx.Log($"TigeraStatus calico: {now}");
                last = now;
                return Condition(o, "Available") == "True" ? "TigeraStatus calico is Available" : null;
            }, ct,
            () => $"Calico did not become Available within {options.ReadinessTimeout}; " +
                (last is null ? "TigeraStatus calico never appeared (is the tigera-operator running?)" : $"last conditions: {last}") +
                ". Look at `kubectl get tigerastatus calico -o yaml` and the tigera-operator logs, then retry.");
    }

    /// <summary>Until the DaemonSet has rolled out its current template (observedGeneration, updated pods) and every pod is ready.</summary>
    public async Task<StepOutcome> WaitForFlannelAsync(IKubernetes client, StepContext ctx, CancellationToken ct)
    {
        const string FlannelDaemonSet = KubernetesReads.FlannelDaemonSet;
        var daemonSet = $"DaemonSet {ManifestRenderer.FlannelNamespace}/{FlannelDaemonSet}";
        string? last = null;
        return await WatchUntilAsync(
            token => client.AppsV1.WatchListNamespacedDaemonSetAsync(ManifestRenderer.FlannelNamespace,
                fieldSelector: $"metadata.name={FlannelDaemonSet}", cancellationToken: token),
            ds =>
            {
                var s = ds.Status;
                var rolledOut = s is not null && (s.ObservedGeneration ?? 0) >= (ds.Metadata.Generation ?? 0)
                    && (s.UpdatedNumberScheduled ?? s.CurrentNumberScheduled) == s.DesiredNumberScheduled;
                var now = Invariant(
                    $"{s?.UpdatedNumberScheduled ?? 0}/{s?.DesiredNumberScheduled ?? 0} updated, {s?.NumberReady ?? 0}/{s?.DesiredNumberScheduled ?? 0} ready");
                if (now != last) ctx.Log($"{daemonSet}: {now}");
                last = now;
                return s is { DesiredNumberScheduled: > 0 } && rolledOut && s.NumberReady == s.DesiredNumberScheduled
                    ? $"{daemonSet}: {s.NumberReady}/{s.DesiredNumberScheduled} ready, rolled out"
                    : null;
            },
            options.ReadinessTimeout,
            () => $"Flannel was not ready within {options.ReadinessTimeout} (last: {last ?? "no DaemonSet"}): " +
                $"look at `kubectl -n kube-flannel get ds {FlannelDaemonSet}` and its pods, then retry.",
            ct);
    }

    /// <summary>"Degraded=True (CalicoNodeNotReady: DaemonSet calico-system/calico-node: 0/3 pods ready)", or "Available=?" when absent.</summary>
    private static string DescribeCondition(JsonElement o, string type)
    {
        if (FindCondition(o, type) is not { } c) return $"{type}=?";
        var status = c.GetProperty("status").GetString();
        var reason = c.TryGetProperty("reason", out var r) ? r.GetString() : null;
        var message = c.TryGetProperty("message", out var m) ? m.GetString() : null;
        var why = string.Join(": ", new[] { reason, message }.Where(x => !string.IsNullOrWhiteSpace(x)));
        return why.Length == 0 ? $"{type}={status}" : $"{type}={status} ({why})";
    }

    /// <summary>Watches one custom object until <paramref name="ready"/> says so.</summary>
    private static Task<string> WatchUntilAsync(IKubernetes client, string group, string version, string plural, string name, TimeSpan timeout,
        Func<JsonElement, string?> ready, CancellationToken ct, Func<string> timeoutMessage) =>
        WatchUntilAsync(
            token => client.CustomObjects.WatchListClusterCustomObjectAsync(group, version, plural,
                fieldSelector: $"metadata.name={name}", timeoutSeconds: (int)Math.Clamp(timeout.TotalSeconds, 1, 300), cancellationToken: token),
            item => ready(item as JsonElement? ?? JsonSerializer.SerializeToElement(item)), timeout, timeoutMessage, ct);

    /// <summary>
    /// Watches (a watch, not a polling loop) until <paramref name="ready"/> says so, re-watching after a pause when the
    /// server closes the stream or ends it before any event (the object does not exist yet); fails after <paramref name="timeout"/>.
    /// </summary>
    private static async Task<string> WatchUntilAsync<T>(Func<CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch, Func<T, string?> ready,
        TimeSpan timeout, Func<string> timeoutMessage, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                try
                {
                    await foreach (var (type, item) in watch(deadline.Token))
                    {
                        if (type is WatchEventType.Added or WatchEventType.Modified && ready(item) is { } done) return done;
                    }
                }
                catch (HttpRequestException e) when (IsEmptyWatch(e))
                {
                    // the server ended a watch that had nothing to report
                }
                await Task.Delay(RewatchDelay, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProvisioningException(timeoutMessage());
        }
    }

    /// <summary>The client throws this when a watch response ends before its first event: for a watch, just its end.</summary>
    private static bool IsEmptyWatch(HttpRequestException e) => e.InnerException is EndOfStreamException;

    private static string? Condition(JsonElement o, string type) => FindCondition(o, type)?.GetProperty("status").GetString();

    private static JsonElement? FindCondition(JsonElement o, string type)
    {
        if (!o.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions)
            || conditions.ValueKind != JsonValueKind.Array) return null;
        foreach (var c in conditions.EnumerateArray())
            if (c.TryGetProperty("type", out var t) && t.GetString() == type && c.TryGetProperty("status", out _)) return c;
        return null;
    }
}

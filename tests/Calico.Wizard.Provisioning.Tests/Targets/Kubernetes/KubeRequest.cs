namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>One request the fake received, as it arrived (before any injected failure answered it).</summary>
public sealed class KubeRequest
{
    public required long Seq { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    /// <summary>The raw query string, with its leading '?', or "".</summary>
    public required string Query { get; init; }
    public required IReadOnlyDictionary<string, string> QueryValues { get; init; }
    public required string? ContentType { get; init; }
    public required string Body { get; init; }
    public required string? Authorization { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>The status the fake answered (for a watch: when the stream started).</summary>
    public int Status { get; internal set; }

    public string? Q(string key) => QueryValues.GetValueOrDefault(key);
    public bool IsWatch => Q("watch") is "true" or "1";
    public bool IsApply => Method == "PATCH";
    /// <summary>dryRun=All: judged like a write, persisted nowhere.</summary>
    public bool IsDryRun => Q("dryRun") == "All";
    public override string ToString() => $"#{Seq} {Method} {Path}{Query} [{ContentType}] → {Status}";
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// The objects the fake serves, shaped as an API server serves them (the conditions of a CRD, a TigeraStatus, a
/// DaemonSet's status), and the few readings of them the fake's own decisions take.
/// </summary>
public static class FakeKubeObjects
{
    /// <summary>The upstream Installation CRD as an API server serves it once Established.</summary>
    public static JsonObject UpstreamInstallationCrd()
    {
        var crd = Upstream.InstallationCrdJson();
        crd["status"] = EstablishedStatus();
        return crd;
    }

    /// <summary>The status of a CRD the API server has accepted and serves.</summary>
    public static JsonObject EstablishedStatus() =>
        new() { ["conditions"] = new JsonArray(Condition("NamesAccepted", true), Condition("Established", true)) };

    public static JsonObject Condition(string type, bool status, string message = "", string? reason = null) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["reason"] = reason ?? (status ? type : ""),
        ["message"] = message,
        ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
    };

    public static JsonObject TigeraStatus(bool available, bool degraded = false) => new()
    {
        ["apiVersion"] = "operator.tigera.io/v1",
        ["kind"] = "TigeraStatus",
        ["metadata"] = new JsonObject { ["name"] = "calico" },
        ["spec"] = new JsonObject(),
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("Available", available, available ? "All objects available" : ""),
                Condition("Progressing", !available && !degraded, available || degraded ? "" : "DaemonSet calico-system/calico-node is not available"),
                Condition("Degraded", degraded, degraded ? FakeKubeApi.DegradedMessage : "", degraded ? "PodFailure" : null)),
        },
    };

    public static JsonObject Crd(string name, bool established) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["group"] = name[(name.IndexOf('.') + 1)..], ["scope"] = "Cluster" },
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(Condition("NamesAccepted", true), Condition("Established", established)),
        },
    };

    public static JsonObject DaemonSet(int desired, int ready) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = new JsonObject { ["generation"] = 1 },
        ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "x" } } },
        ["status"] = DaemonSetStatus(desired, ready, updated: desired, generation: 1),
    };

    public static JsonObject DaemonSetStatus(int desired, int ready, int updated, long generation) => new()
    {
        ["currentNumberScheduled"] = desired,
        ["desiredNumberScheduled"] = desired,
        ["numberMisscheduled"] = 0,
        ["numberReady"] = ready,
        ["updatedNumberScheduled"] = updated,
        ["observedGeneration"] = generation,
    };

    internal static bool IsEstablished(JsonObject? crd) => HasTrueCondition(crd, "Established");

    internal static bool IsAvailable(JsonObject? status) => HasTrueCondition(status, "Available");

    private static bool HasTrueCondition(JsonObject? obj, string type) =>
        obj?["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => c?["type"]?.GetValue<string>() == type && c?["status"]?.GetValue<string>() == "True");

    /// <summary>A number such as metadata.generation, however it was written (an int a test put, a long the store counted).</summary>
    internal static long? Long(JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Calico.Wizard.Core.Rendering;

namespace Calico.Wizard.Provisioning.Tests.Targets.Kubernetes;

/// <summary>
/// What the fake lets in once a write is decoded, in a real API server's order: authorization (a test's
/// <see cref="Deny"/>, which SelfSubjectAccessReviews report too), a served resource (its CRD Established) in a namespace
/// that exists, then a custom object judged by its CRD's schema and, for the Installation, the upstream CRD's CEL rules.
/// </summary>
internal sealed class FakeAdmission(FakeObjectStore store)
{
    private static readonly ConcurrentDictionary<string, CrdSchema?> Schemas = new();

    private readonly Lock gate = new();
    private readonly HashSet<(string Verb, string Resource)> denied = [];

    /// <summary>A refusal: the status and the Status object the fake answers with.</summary>
    public sealed record Refusal(HttpStatusCode Code, JsonObject Status);

    /// <summary>What admission says of one write: its refusal, if any, and the warnings the answer carries either way.</summary>
    public sealed record Verdict(Refusal? Refusal, string[] Warnings)
    {
        public static readonly Verdict Admitted = new(null, []);

        public static Verdict Refused(HttpStatusCode code, string reason, string message) =>
            new(new Refusal(code, FakeResponses.Status(code, reason, message)), []);
    }

    /// <summary>
    /// SelfSubjectAccessReviews for <paramref name="verb"/> on <paramref name="resource"/> (a plural, e.g. "installations") answer
    /// allowed: false, and so does the server: a denied "patch" answers 403 to the PATCH itself.
    /// </summary>
    public void Deny(string verb, string resource)
    {
        lock (gate) denied.Add((verb, resource));
    }

    /// <summary>The status of a SelfSubjectAccessReview of <paramref name="attributes"/> (its spec.resourceAttributes).</summary>
    public JsonObject ReviewStatus(JsonObject attributes)
    {
        var verb = attributes["verb"]?.GetValue<string>() ?? "";
        var resource = attributes["resource"]?.GetValue<string>() ?? "";
        return Allows(verb, resource)
            ? new JsonObject { ["allowed"] = true, ["reason"] = "fake: allowed" }
            : new JsonObject { ["allowed"] = false, ["reason"] = $"fake: {verb} {resource} is denied" };
    }

    private bool Allows(string verb, string resource)
    {
        lock (gate) return !denied.Contains((verb, resource));
    }

    /// <summary>Judges the apply of <paramref name="applied"/> to <paramref name="p"/> (a dry run just the same).</summary>
    public Verdict Admit(ApiPath p, KubeRequest r, JsonObject applied)
    {
        if (!Allows("patch", p.Plural))
        {
            return Verdict.Refused(HttpStatusCode.Forbidden, "Forbidden",
                $"{p.Resource} \"{p.Name}\" is forbidden: User \"fake-admin\" cannot patch resource \"{p.Plural}\" in API group \"{p.Group}\"");
        }
        if (p.CustomResourceDefinition is { } crd && !FakeKubeObjects.IsEstablished(store.Get($"{FakeKubeApi.CrdsPath}/{crd}")))
        {
            // no Established CRD, no such resource: what a real API server answers before the operator is installed
            return Verdict.Refused(HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource (patch {crd} {p.Name})");
        }
        if (p.Namespace is not null && store.Get($"{FakeKubeApi.NamespacesPath}/{p.Namespace}") is null)
            return Verdict.Refused(HttpStatusCode.NotFound, "NotFound", $"namespaces \"{p.Namespace}\" not found");
        return p.CustomResourceDefinition is { } crdName ? BySchema(p, r, crdName, applied) : Verdict.Admitted;
    }

    /// <summary>
    /// Judges a custom object by its CRD's schema as an API server does: strict field validation refuses undeclared
    /// fields (400, the strict decoding words), otherwise they pass with a warning; a type, enum or required-field
    /// violation, or a CEL rule of the Installation CRD (mirrored), is 422 Invalid with one cause per field.
    /// </summary>
    private Verdict BySchema(ApiPath p, KubeRequest r, string crdName, JsonObject applied)
    {
        if (store.Get($"{FakeKubeApi.CrdsPath}/{crdName}") is not { } crd) return Verdict.Admitted;
        var schemaJson = crd["spec"]?["versions"]?.ToJsonString() ?? "";
        var key = $"{p.Version}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(schemaJson)))}";
        var schema = Schemas.GetOrAdd(key,
            _ => CrdSchema.Of(k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>(crd.ToJsonString()), p.Version));
        if (schema is null) return Verdict.Admitted;
        var violations = schema.Check(applied);
        var unknown = violations.Where(v => v.Kind == SchemaViolationKind.UnknownField).ToList();
        if (unknown.Count > 0 && r.Q("fieldValidation") == "Strict")
        {
            return Verdict.Refused(HttpStatusCode.BadRequest, "BadRequest",
                $"strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u.Field}\""))}");
        }
        string[] warnings = [.. unknown.Select(u => $"299 - \"unknown field \\\"{u.Field}\\\"\"")];
        var invalid = violations.Except(unknown).Select(v => (Field: v.Field, Reason: v.Kind switch
        {
            SchemaViolationKind.NotSupported => "FieldValueNotSupported",
            SchemaViolationKind.Required => "FieldValueRequired",
            SchemaViolationKind.TypeInvalid => "FieldValueTypeInvalid",
            _ => "FieldValueInvalid",
        }, Message: v.ToString())).ToList();
        if (crdName == "installations.operator.tigera.io")
        {
            foreach (var v in InstallationCel.Violations(applied))
            {
                var field = v.Field.Length == 0 ? "<nil>" : v.Field;
                invalid.Add((field, "FieldValueInvalid", $"{field}: Invalid value: \"object\": {v.Message}"));
            }
        }
        if (invalid.Count == 0) return new Verdict(null, warnings);
        var kind = applied["kind"]?.GetValue<string>() ?? "";
        var messages = invalid.Select(i => i.Message).ToList();
        var details = new JsonObject
        {
            ["name"] = p.Name,
            ["group"] = p.Group,
            ["kind"] = kind,
            ["causes"] = new JsonArray(
                [.. invalid.Select(i => (JsonNode)new JsonObject { ["reason"] = i.Reason, ["message"] = i.Message, ["field"] = i.Field })]),
        };
        var message = $"{kind}.{p.Group} \"{p.Name}\" is invalid: {(messages.Count == 1 ? messages[0] : $"[{string.Join(", ", messages)}]")}";
        var status = FakeResponses.Status(HttpStatusCode.UnprocessableEntity, "Invalid", message, details);
        return new Verdict(new Refusal(HttpStatusCode.UnprocessableEntity, status), warnings);
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using k8s;
using k8s.Models;

namespace Calico.Wizard.Core.Rendering;

/// <summary>How a field broke a CRD's schema, in the API server's words for it.</summary>
public enum SchemaViolationKind
{
    /// <summary>A field the schema does not declare (refused under fieldValidation=Strict, pruned otherwise).</summary>
    UnknownField,
    /// <summary>A value outside the field's enum.</summary>
    NotSupported,
    /// <summary>A required field is missing.</summary>
    Required,
    /// <summary>A value of the wrong JSON type.</summary>
    TypeInvalid,
    /// <summary>Any other constraint: minimum, maximum, pattern, length, count, format.</summary>
    Invalid,
}

/// <summary>One field that breaks a CRD's schema: its path as the API server writes it ("spec.calicoNetwork.ipPools[0].name").</summary>
public sealed record SchemaViolation(string Field, SchemaViolationKind Kind, string Message)
{
    /// <summary>"spec.x: Unsupported value: …", or for an unknown field the API server's strict-decoding words.</summary>
    public override string ToString() => Kind == SchemaViolationKind.UnknownField ? Message : $"{Field}: {Message}";
}

/// <summary>
/// The <c>openAPIV3Schema</c> of one version of a CustomResourceDefinition, evaluated by JsonSchema.Net the way an
/// API server applies it to a custom object: types, enums, required fields and bounds, and — as a server does under
/// <c>fieldValidation=Strict</c> — every field the schema does not declare (unless it preserves unknown fields).
/// The CRD's CEL rules (<c>x-kubernetes-validations</c>) are not evaluated here.
/// </summary>
public sealed class CrdSchema
{
    private const string PreserveUnknownFields = "x-kubernetes-preserve-unknown-fields";

    private readonly JsonSchema schema;
    /// <summary>The schema as JSON, for the enum and required lists a message quotes.</summary>
    private readonly JsonNode root;

    private CrdSchema(string crdName, string version, JsonNode openApiV3Schema)
    {
        CrdName = crdName;
        Version = version;
        root = openApiV3Schema;
        schema = JsonSchema.Build(JsonSerializer.SerializeToElement(DeclaredFieldsOnly(openApiV3Schema.DeepClone())),
            new BuildOptions { Dialect = Dialect.Draft202012 });
    }

    /// <summary>The CRD's name, e.g. installations.operator.tigera.io.</summary>
    public string CrdName { get; }

    public string Version { get; }

    /// <summary>The schema of <paramref name="version"/> of <paramref name="crd"/>, or null when that version is not served or has no schema.</summary>
    public static CrdSchema? Of(V1CustomResourceDefinition crd, string version)
    {
        var served = crd.Spec?.Versions?.FirstOrDefault(v => v.Name == version && v.Served);
        if (served?.Schema?.OpenAPIV3Schema is not { } props) return null;
        var node = JsonNode.Parse(KubernetesJson.Serialize(props)) ?? throw new ArgumentException("empty schema", nameof(crd));
        return new CrdSchema(crd.Metadata?.Name ?? "", version, node);
    }

    /// <summary>Like <see cref="Of(V1CustomResourceDefinition, string)"/> for a CRD written as YAML (a file the server was configured with).</summary>
    public static CrdSchema? Of(string crdYaml, string version) =>
        Of(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(crdYaml), version);

    /// <summary>Every field of <paramref name="obj"/> (a typed object or JSON) that breaks the schema; empty when it is valid.</summary>
    public IReadOnlyList<SchemaViolation> Check(object obj)
    {
        switch (obj)
        {
            case JsonElement element: return Check(element);
            case JsonNode node: return Check(JsonSerializer.SerializeToElement(node));
        }
        using var document = JsonDocument.Parse(KubernetesJson.Serialize(obj)); // the object as the API server receives it
        return Check(document.RootElement);
    }

    private IReadOnlyList<SchemaViolation> Check(JsonElement instance)
    {
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var violations = new List<SchemaViolation>();
        Collect(results, instance, violations);
        return violations.DistinctBy(v => (v.Field, v.Kind, v.Message)).ToList();
    }

    /// <summary>Walks the failed branches only: a subschema that failed inside a passing anyOf is not a violation.</summary>
    private void Collect(EvaluationResults node, JsonElement instance, List<SchemaViolation> into)
    {
        if (node.IsValid) return;
        var pointer = node.InstanceLocation.ToString();
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
            into.AddRange(Describe(keyword, message, pointer, instance, node.EvaluationPath.ToString()));
        foreach (var child in node.Details ?? []) Collect(child, instance, into);
    }

    private IEnumerable<SchemaViolation> Describe(string keyword, string libraryMessage, string pointer, JsonElement instance, string evaluationPath)
    {
        var field = FieldPath(pointer);
        var value = ValueAt(instance, pointer);
        switch (keyword)
        {
            case "" when evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal):
            case "false":
                yield return new SchemaViolation(field, SchemaViolationKind.UnknownField, $"unknown field \"{field}\"");
                break;
            case "enum":
                var allowed = SchemaAt(pointer)?["enum"]?.AsArray().Select(v => v?.ToJsonString()) ?? [];
                yield return new SchemaViolation(field, SchemaViolationKind.NotSupported,
                    $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", allowed)}");
                break;
            case "required":
                var present = value is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => p.Name).ToHashSet() : [];
                foreach (var missing in SchemaAt(pointer)?["required"]?.AsArray().Select(r => r!.GetValue<string>()).Where(r => !present.Contains(r)) ?? [])
                    yield return new SchemaViolation(Join(field, missing), SchemaViolationKind.Required, "Required value");
                break;
            case "type":
                var expected = SchemaAt(pointer)?["type"]?.ToString() ?? "?";
                yield return new SchemaViolation(field, SchemaViolationKind.TypeInvalid,
                    $"Invalid value: \"{JsonTypeOf(value)}\": {field} in body must be of type {expected}: {Quote(value)}");
                break;
            default:
                yield return new SchemaViolation(field, SchemaViolationKind.Invalid, $"Invalid value: {Quote(value)}: {libraryMessage}");
                break;
        }
    }

    /// <summary>
    /// The schema made to refuse what it does not declare: every object schema with properties and without
    /// x-kubernetes-preserve-unknown-fields gets additionalProperties: false (a server prunes or, strictly, refuses those).
    /// </summary>
    private static JsonNode DeclaredFieldsOnly(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["properties"] is JsonObject && o[PreserveUnknownFields]?.GetValue<bool>() != true && !o.ContainsKey("additionalProperties"))
                    o["additionalProperties"] = false;
                foreach (var (_, child) in o.ToList())
                    if (child is not null) DeclaredFieldsOnly(child);
                break;
            case JsonArray a:
                foreach (var child in a)
                    if (child is not null) DeclaredFieldsOnly(child);
                break;
        }
        return node;
    }

    /// <summary>The declared schema of the field at a JSON pointer of the instance (properties by name, items by index).</summary>
    private JsonObject? SchemaAt(string pointer)
    {
        JsonNode? s = root;
        foreach (var segment in Segments(pointer))
            s = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) && s?["items"] is JsonObject items
                ? items
                : s?["properties"]?[segment] ?? (s?["additionalProperties"] as JsonObject);
        return s as JsonObject;
    }

    private static JsonElement? ValueAt(JsonElement instance, string pointer)
    {
        var current = instance;
        foreach (var segment in Segments(pointer))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength())
                current = current[i];
            else return null;
        }
        return current;
    }

    private static IEnumerable<string> Segments(string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    /// <summary>"/spec/calicoNetwork/ipPools/0/name" → "spec.calicoNetwork.ipPools[0].name", as the API server writes field paths.</summary>
    public static string FieldPath(string pointer) =>
        Segments(pointer).Aggregate("", (path, segment) =>
            int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? $"{path}[{segment}]" : Join(path, segment));

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Quote(JsonElement? value) => value is { } v ? v.GetRawText() : "null";

    private static string JsonTypeOf(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };
}

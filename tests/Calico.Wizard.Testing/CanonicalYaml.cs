using YamlDotNet.Serialization;

namespace Calico.Wizard.Testing;

/// <summary>
/// A YAML text parsed without the Kubernetes model (so a field the model drops still counts) as one comparable
/// text: keys sorted, scalars quoted. Rendering and policy tests compare documents through it.
/// </summary>
public static class CanonicalYaml
{
    public static string Of(string yaml) => Of(new DeserializerBuilder().Build().Deserialize<object>(yaml));

    public static string Of(object? node) => node switch
    {
        IDictionary<object, object> map => "{" + string.Join(", ", map.OrderBy(kv => (string)kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}: {Of(kv.Value)}")) + "}",
        IList<object> list => "[" + string.Join(", ", list.Select(Of)) + "]",
        null => "null",
        _ => $"'{node}'",
    };
}

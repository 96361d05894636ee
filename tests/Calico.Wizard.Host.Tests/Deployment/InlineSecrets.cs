using System.Text.RegularExpressions;
using k8s.Models;

namespace Calico.Wizard.Host.Tests.Deployment;

/// <summary>
/// Every place a secret value could sit in the manifests instead of in a Secret the operator creates: a Secret with
/// data, a secret-named setting given a value (in env or a ConfigMap), a connection string with a literal password,
/// kubeconfig or key material written out, a kubeconfig path that is not on a Secret volume. Each finding names it.
/// </summary>
public static partial class InlineSecrets
{
    /// <summary>Names of settings that hold secrets (ClientSecret, DB_PASSWORD, ApiToken, …).</summary>
    [GeneratedRegex("password|passwd|secret|token|credential|api_?key|private_?key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>A password in a connection string: its value, quoted or not.</summary>
    [GeneratedRegex("""(?:^|;)\s*(?:password|pwd)\s*=\s*("[^"]*"|'[^']*'|[^;]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPassword();

    /// <summary>A value that is only a Kubernetes variable reference, $(NAME), perhaps quoted.</summary>
    [GeneratedRegex("""^(["']?)\$\(([A-Za-z_][A-Za-z0-9_]*)\)\1$""")]
    private static partial Regex VariableReference();

    /// <summary>What kubeconfig credentials and keys look like written out.</summary>
    [GeneratedRegex("client-key-data|client-certificate-data|certificate-authority-data|-----BEGIN|\\btoken:\\s*\\S", RegexOptions.IgnoreCase)]
    private static partial Regex Material();

    public static List<string> In(Manifest manifest)
    {
        var findings = new List<string>();
        foreach (var secret in manifest.All<V1Secret>())
            if (secret.Data?.Count > 0 || secret.StringData?.Count > 0)
                findings.Add($"Secret {secret.Metadata.Name} carries its values in the manifests");

        foreach (var map in manifest.All<V1ConfigMap>())
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                if (SecretName().IsMatch(key)) findings.Add($"ConfigMap {map.Metadata.Name} holds {key}, a secret by its name");
                findings.AddRange(ValueFindings($"ConfigMap {map.Metadata.Name} key {key}", value, new HashSet<string>()));
            }

        foreach (var container in manifest.Pod.Containers.Concat(manifest.Pod.InitContainers ?? []))
        {
            var fromSecrets = new HashSet<string>(); // variables defined so far from a Secret: what $(VAR) may expand to
            foreach (var env in container.Env ?? [])
            {
                var where = $"container {container.Name} env {env.Name}";
                if (env.ValueFrom?.SecretKeyRef is not null) { fromSecrets.Add(env.Name); continue; }
                if (SecretName().IsMatch(env.Name)) findings.Add($"{where} is a secret by its name but not from a Secret (secretKeyRef)");
                findings.AddRange(ValueFindings(where, env.Value, fromSecrets));
            }
        }

        foreach (var (key, path) in manifest.Settings().Where(s => s.Key.EndsWith("Kubeconfig", StringComparison.OrdinalIgnoreCase)))
        {
            var mount = path is { Length: > 0 } && Path.IsPathRooted(path) ? manifest.MountOf(path) : null;
            if (mount is not { Volume.Secret: not null, Mount.ReadOnlyProperty: true })
                findings.Add($"{key} ({path}) is not a file on a read-only Secret volume");
        }
        return findings;
    }

    private static IEnumerable<string> ValueFindings(string where, string? value, IReadOnlySet<string> fromSecrets)
    {
        if (string.IsNullOrEmpty(value)) yield break;
        if (Material().IsMatch(value)) yield return $"{where} holds key or kubeconfig material";
        foreach (Match password in ConnectionStringPassword().Matches(value))
        {
            var reference = VariableReference().Match(password.Groups[1].Value.Trim());
            if (!reference.Success || !fromSecrets.Contains(reference.Groups[2].Value))
                yield return $"{where} has a password that is not $(VAR) of a variable defined above it from a Secret";
        }
    }
}

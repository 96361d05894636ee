using System.Diagnostics;
using k8s;
using k8s.Models;

namespace Calico.Wizard.Host.Tests.Deployment;

/// <summary>
/// deploy/kubernetes as <c>kubectl kustomize</c> renders it, parsed into KubernetesClient's typed objects (strictly:
/// a misspelt field fails the parse). Rendered once per test run; <see cref="Parse"/> gives a fresh copy to change.
/// </summary>
public sealed class Manifest(IReadOnlyList<object> objects)
{
    public const string Folder = "deploy/kubernetes";
    public const string KubectlVariable = "KUBECTL";

    private static readonly Lazy<string> Rendered = new(Render);

    public IReadOnlyList<object> Objects { get; } = objects;

    /// <summary>The rendering, parsed anew (so a test may change it).</summary>
    public static Manifest Load() => Parse(Rendered.Value);

    public static Manifest Parse(string yaml) => new(KubernetesYaml.LoadAllFromString(yaml, strict: true));

    public IEnumerable<T> All<T>() => Objects.OfType<T>();
    public T Single<T>() => Assert.Single(All<T>());

    public V1Deployment Deployment => Single<V1Deployment>();
    public V1PodSpec Pod => Deployment.Spec.Template.Spec;
    public V1Container Wizard => Assert.Single(Pod.Containers, c => c.Name == "wizard");
    public V1ContainerPort HttpPort => Assert.Single(Wizard.Ports);

    /// <summary>The app setting the wizard container sees under this name: its env entry, else a ConfigMap it loads whole.</summary>
    public string? Setting(string name) =>
        Wizard.Env?.FirstOrDefault(e => e.Name == name) is { } env ? env.Value
        : (Wizard.EnvFrom ?? []).Select(f => f.ConfigMapRef?.Name).OfType<string>()
            .Select(n => All<V1ConfigMap>().Single(c => c.Metadata.Name == n).Data).Where(d => d?.ContainsKey(name) == true)
            .Select(d => d![name]).LastOrDefault();

    /// <summary>Every setting of the wizard container by name (ConfigMaps loaded whole, then env entries over them).</summary>
    public IReadOnlyDictionary<string, string?> Settings()
    {
        var all = new Dictionary<string, string?>();
        foreach (var name in (Wizard.EnvFrom ?? []).Select(f => f.ConfigMapRef?.Name).OfType<string>())
            foreach (var (key, value) in All<V1ConfigMap>().Single(c => c.Metadata.Name == name).Data ?? new Dictionary<string, string>())
                all[key] = value;
        foreach (var env in Wizard.Env ?? []) all[env.Name] = env.Value;
        return all;
    }

    /// <summary>The mount that holds this path, and its volume.</summary>
    public (V1VolumeMount Mount, V1Volume Volume)? MountOf(string path)
    {
        var mount = (Wizard.VolumeMounts ?? []).Where(m => path.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.MountPath.Length).FirstOrDefault();
        return mount is null ? null : (mount, Pod.Volumes.Single(v => v.Name == mount.Name));
    }

    /// <summary>A named or numbered container port, as a probe or a Service names it.</summary>
    public int PortNumber(IntOrString port) =>
        int.TryParse(port.Value, out var number) ? number : Assert.Single(Wizard.Ports, p => p.Name == port.Value).ContainerPort;

    /// <summary>kubectl from $KUBECTL, else from PATH. Missing, every test here fails and says how to get one: no silent skip.</summary>
    public static string Kubectl()
    {
        if (Environment.GetEnvironmentVariable(KubectlVariable) is { Length: > 0 } configured)
            return File.Exists(configured) ? configured
                : throw new InvalidOperationException($"{KubectlVariable}={configured}, but there is no such file.");
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException(
            $"kubectl was not found on PATH, and {KubectlVariable} is not set: these tests render {Folder} with `kubectl kustomize` and fail without it. " +
            "Install it (Debian: apt-get install kubernetes-client; bash .ci/test.sh does this when it runs as root) or set KUBECTL to a kubectl binary.");
    }

    private static string Render()
    {
        var info = new ProcessStartInfo(Kubectl()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(Path.Combine(Repository.Root, Folder));
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"`{info.FileName} kustomize {Folder}` did not finish within 60 s");
        }
        return process.ExitCode == 0 ? stdout.Result
            : throw new InvalidOperationException($"`{info.FileName} kustomize {Folder}` exited with {process.ExitCode}: {stderr.Result}");
    }
}

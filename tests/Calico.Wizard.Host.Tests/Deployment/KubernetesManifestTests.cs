using k8s;
using k8s.Models;
using Npgsql;

namespace Calico.Wizard.Host.Tests.Deployment;

/// <summary>
/// deploy/kubernetes, rendered by kubectl kustomize (CI installs Debian's kubectl 1.20 when none is there; a current
/// one renders the same objects): what the README promises about running the wizard on Kubernetes.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string Namespace = "calico-wizard";
    private const int AppUid = 1654; // APP_UID of the .NET images: the Dockerfile's USER

    private readonly Manifest manifest = Manifest.Load();

    [Fact]
    public void Every_object_lives_in_the_wizards_namespace()
    {
        Assert.Equal(Namespace, manifest.Single<V1Namespace>().Metadata.Name);
        Assert.All(manifest.Objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal(Namespace, o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void Two_replicas_run_on_PostgreSQL_listening_on_the_container_port()
    {
        Assert.Equal(2, manifest.Deployment.Spec.Replicas);
        Assert.Equal("PostgreSQL", manifest.Setting("Storage__Provider"));
        Assert.Equal($"http://0.0.0.0:{manifest.HttpPort.ContainerPort}", manifest.Setting("Urls"));
    }

    [Fact]
    public void The_image_is_the_one_kustomize_images_names()
    {
        // `images:` in kustomization.yaml rewrote the placeholder: a registry and a tag the user sets in one place.
        Assert.Equal("registry.example.com/calico-wizard:0.1.0", manifest.Wizard.Image);
    }

    [Theory]
    [InlineData("startup", "/healthz")]   // migrations run before the app listens
    [InlineData("readiness", "/readyz")]  // the store answers and the job runner turns
    [InlineData("liveness", "/healthz")]  // the process answers
    public void Probes_ask_the_apps_health_endpoints_on_its_port(string probe, string path)
    {
        var container = manifest.Wizard;
        var check = probe switch { "startup" => container.StartupProbe, "readiness" => container.ReadinessProbe, _ => container.LivenessProbe };
        Assert.NotNull(check?.HttpGet);
        Assert.Equal(path, check.HttpGet.Path);
        Assert.Equal(manifest.HttpPort.ContainerPort, manifest.PortNumber(check.HttpGet.Port));
    }

    [Fact]
    public void The_pod_runs_as_the_images_non_root_user_on_a_read_only_root_without_privileges()
    {
        var pod = manifest.Pod.SecurityContext;
        var container = manifest.Wizard.SecurityContext;
        Assert.True(pod.RunAsNonRoot);
        Assert.Equal(AppUid, container.RunAsUser ?? pod.RunAsUser);
        Assert.True(container.ReadOnlyRootFilesystem);
        Assert.False(container.AllowPrivilegeEscalation);
        Assert.Equal(new[] { "ALL" }, container.Capabilities.Drop);
        Assert.Null(container.Capabilities.Add);
        Assert.NotEqual(true, container.Privileged);
        Assert.Equal("RuntimeDefault", (container.SeccompProfile ?? pod.SeccompProfile).Type);
        // the one writable path the app needs once the store is PostgreSQL
        Assert.NotNull(manifest.MountOf("/tmp/x")?.Volume.EmptyDir);
        Assert.False(manifest.Pod.AutomountServiceAccountToken);
    }

    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/affinity", "cookie")]             // Blazor Server: a browser stays on its replica
    [InlineData("nginx.ingress.kubernetes.io/affinity-mode", "persistent")]    // … even when replicas are added
    [InlineData("nginx.ingress.kubernetes.io/session-cookie-name", "calico-wizard-replica")]
    [InlineData("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")]     // the circuit's WebSocket stays open
    [InlineData("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600")]
    [InlineData("nginx.ingress.kubernetes.io/proxy-body-size", "8m")]          // POST /api/clusters takes up to 6.4 MB
    public void The_ingress_keeps_each_browser_on_its_replica(string annotation, string value)
    {
        var ingress = manifest.Single<V1Ingress>();
        Assert.True(ingress.Metadata.Annotations?.ContainsKey(annotation), $"{annotation} is missing");
        Assert.Equal(value, ingress.Metadata.Annotations![annotation]);
    }

    [Fact]
    public void The_ingress_ends_TLS_for_exactly_the_hosts_the_app_answers_and_routes_to_the_wizards_port()
    {
        var ingress = manifest.Single<V1Ingress>();
        var rule = Assert.Single(ingress.Spec.Rules);
        var tls = Assert.Single(ingress.Spec.Tls);
        Assert.False(string.IsNullOrEmpty(tls.SecretName));
        Assert.Equal(new[] { rule.Host }, tls.Hosts);
        Assert.Equal(rule.Host, manifest.Setting("AllowedHosts")); // any other Host is refused by the app
        Assert.NotNull(manifest.Setting("ForwardedHeaders__KnownNetworks__0")); // so the app believes the ingress's https

        var backend = Assert.Single(rule.Http.Paths).Backend.Service;
        var service = manifest.Single<V1Service>();
        Assert.Equal(service.Metadata.Name, backend.Name);
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(backend.Port.Name ?? port.Name, port.Name);
        Assert.Equal(80, port.Port);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal(manifest.HttpPort.ContainerPort, manifest.PortNumber(port.TargetPort));
        Assert.True(Selects(service.Spec.Selector, manifest.Deployment), "the Service does not select the wizard's pods");
    }

    [Fact]
    public void No_secret_value_is_in_the_manifests_only_references_to_Secrets_the_operator_creates()
    {
        Assert.Empty(InlineSecrets.In(manifest));
        var referenced = (manifest.Wizard.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name)
            .Concat(manifest.Pod.Volumes.Select(v => v.Secret?.SecretName)).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "calico-wizard-db", "calico-wizard-oidc", "calico-wizard-targets" }, referenced); // README.md says how to create each
        Assert.Empty(manifest.All<V1Secret>());
    }

    public static TheoryData<string> Leaks => new(Mutations.Keys);

    /// <summary>Each way of putting a secret into the manifests, done to the rendered objects: the check must catch it.</summary>
    private static readonly Dictionary<string, Action<Manifest>> Mutations = new()
    {
        ["a Secret with its data"] = m => ((List<object>)m.Objects).Add(new V1Secret { Metadata = new() { Name = "calico-wizard-db" }, StringData = new Dictionary<string, string> { ["password"] = "hunter2" } }),
        ["the database password written into the connection string"] = m =>
            Env(m, "Storage__PostgreSQL").Value = Env(m, "Storage__PostgreSQL").Value.Replace("$(DB_PASSWORD)", "hunter2", StringComparison.Ordinal),
        ["the connection string referring to a variable that is not from a Secret"] = m =>
            Env(m, "Storage__PostgreSQL").Value = Env(m, "Storage__PostgreSQL").Value.Replace("$(DB_PASSWORD)", "$(DB_USER)", StringComparison.Ordinal),
        ["the client secret as a plain value"] = m => { var e = Env(m, "Authentication__ClientSecret"); e.ValueFrom = null; e.Value = "s3cr3t"; },
        ["the password variable read from the ConfigMap"] = m =>
            Env(m, "DB_PASSWORD").ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "calico-wizard", Key = "DB_PASSWORD" } },
        ["a secret setting in the ConfigMap"] = m => m.Single<V1ConfigMap>().Data["Authentication__ClientSecret"] = "s3cr3t",
        ["a kubeconfig path outside the Secret volume"] = m => m.Single<V1ConfigMap>().Data["Provisioning__Targets__0__Kubeconfig"] = "/etc/kubeconfigs/lab.kubeconfig",
        ["the kubeconfig's Secret volume mounted writable"] = m => m.Wizard.VolumeMounts.Single(v => v.Name == "targets").ReadOnlyProperty = null,
        ["kubeconfig content in a setting"] = m => m.Single<V1ConfigMap>().Data["Provisioning__Targets__1__Description"] = "users:\n- name: admin\n  user:\n    token: eyJhbGciOi",
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public void A_secret_put_into_the_manifests_is_caught(string leak)
    {
        var broken = Manifest.Load();
        Mutations[leak](broken);
        Assert.NotEmpty(InlineSecrets.In(broken));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with;semicolon=and equals")]
    [InlineData("w1th 'single' quotes and spaces")]
    public void The_connection_string_takes_the_password_from_the_Secret_whatever_it_holds(string password)
    {
        // Kubernetes expands $(VAR) once, from the variables defined before (the ConfigMap's and DB_PASSWORD).
        var settings = manifest.Settings();
        var connection = settings["Storage__PostgreSQL"]!.Replace("$(DB_PASSWORD)", password, StringComparison.Ordinal);
        foreach (var name in new[] { "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER" })
            connection = connection.Replace($"$({name})", settings[name], StringComparison.Ordinal);

        var parsed = new NpgsqlConnectionStringBuilder(connection);
        Assert.Equal(password, parsed.Password);
        Assert.Equal(settings["DB_HOST"], parsed.Host);
        Assert.Equal(settings["DB_USER"], parsed.Username);
        Assert.Equal(settings["DB_NAME"], parsed.Database);
    }

    [Fact]
    public void Sign_in_is_configured_from_the_ConfigMap_with_its_client_secret_from_a_Secret()
    {
        Assert.StartsWith("https://", manifest.Setting("Authentication__Authority"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(manifest.Setting("Authentication__ClientId")));
        Assert.False(string.IsNullOrEmpty(manifest.Setting("Authentication__OperatorRole")));
        Assert.Equal("calico-wizard-oidc", Env(manifest, "Authentication__ClientSecret").ValueFrom.SecretKeyRef.Name);
        Assert.Null(manifest.Setting("Authentication__AllowAnonymousOnNetwork"));
    }

    [Fact]
    public void Target_kubeconfigs_are_files_of_a_Secret_mounted_read_only()
    {
        var path = manifest.Setting("Provisioning__Targets__0__Kubeconfig");
        Assert.False(string.IsNullOrEmpty(manifest.Setting("Provisioning__Targets__0__Name")));
        Assert.NotNull(path);
        var (mount, volume) = manifest.MountOf(path) ?? throw new Xunit.Sdk.XunitException($"{path} is on no volume");
        Assert.True(mount.ReadOnlyProperty);
        Assert.Equal("calico-wizard-targets", volume.Secret?.SecretName);
        Assert.Equal(0b100_100_000, volume.Secret!.DefaultMode); // 0440: the app user's group (fsGroup) reads, nobody else
        Assert.Equal(AppUid, manifest.Pod.SecurityContext.FsGroup);
    }

    [Fact]
    public void Resources_are_requested_and_limited()
    {
        var resources = manifest.Wizard.Resources;
        Assert.True(resources.Requests?.ContainsKey("cpu"), "no CPU request");
        Assert.True(resources.Requests?.ContainsKey("memory"), "no memory request");
        Assert.True(resources.Limits?.ContainsKey("memory"), "no memory limit");
        Assert.True(resources.Limits!["memory"].ToDecimal() >= resources.Requests!["memory"].ToDecimal());
        Assert.True(resources.Limits.TryGetValue("cpu", out var cpu) && cpu.ToDecimal() >= resources.Requests["cpu"].ToDecimal(), "no CPU limit at or above the request");
    }

    [Fact]
    public void The_network_policy_lets_in_only_the_ingress_controller_and_out_only_what_the_wizard_calls()
    {
        var policy = manifest.Single<V1NetworkPolicy>();
        Assert.True(Selects(policy.Spec.PodSelector.MatchLabels, manifest.Deployment), "the policy does not select the wizard's pods");
        Assert.Equal(new[] { "Egress", "Ingress" }, policy.Spec.PolicyTypes.Order(StringComparer.Ordinal));

        var ingress = Assert.Single(policy.Spec.Ingress);
        var from = Assert.Single(ingress.FromProperty);
        Assert.Null(from.IpBlock);
        Assert.Null(from.PodSelector);
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "ingress-nginx" }, from.NamespaceSelector.MatchLabels.ToDictionary());
        var port = Assert.Single(ingress.Ports);
        Assert.Equal(manifest.HttpPort.ContainerPort, manifest.PortNumber(port.Port));

        var egress = policy.Spec.Egress.SelectMany(e => e.Ports).Select(p => $"{p.Protocol ?? "TCP"}/{p.Port.Value}").Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "TCP/443", "TCP/53", "TCP/5432", "TCP/6443", "UDP/53" }, egress); // DNS, PostgreSQL, the OIDC issuer, API servers
        Assert.All(policy.Spec.Egress, e => Assert.NotEmpty(e.Ports)); // no rule opens every port
    }

    [Fact]
    public void A_drain_or_a_node_loss_takes_one_replica_at_a_time_and_a_stopping_one_finishes_its_work()
    {
        var budget = manifest.Single<V1PodDisruptionBudget>();
        Assert.Equal("1", budget.Spec.MinAvailable?.Value);
        Assert.True(Selects(budget.Spec.Selector.MatchLabels, manifest.Deployment));
        Assert.True(manifest.Deployment.Spec.Replicas > 1);

        var spread = Assert.Single(manifest.Pod.TopologySpreadConstraints);
        Assert.Equal("kubernetes.io/hostname", spread.TopologyKey);
        Assert.True(Selects(spread.LabelSelector.MatchLabels, manifest.Deployment));
        Assert.Equal(0, manifest.Deployment.Spec.Strategy.RollingUpdate.MaxUnavailable?.ToInt());

        // .NET's host waits up to 30 s (ShutdownTimeout) for the autosave flush and the job lease hand-off, after the preStop pause.
        var preStop = manifest.Wizard.Lifecycle?.PreStop?.Exec?.Command;
        var pause = preStop is ["sleep", var seconds] ? int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) : 0;
        Assert.True(manifest.Pod.TerminationGracePeriodSeconds >= 30 + pause + 5, $"terminationGracePeriodSeconds {manifest.Pod.TerminationGracePeriodSeconds} < 30 s + {pause} s preStop + margin");
    }

    private static V1EnvVar Env(Manifest m, string name) => Assert.Single(m.Wizard.Env, e => e.Name == name);

    private static bool Selects(IDictionary<string, string>? selector, V1Deployment deployment) =>
        selector is { Count: > 0 } && selector.All(l => deployment.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}

using System.Net;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Core.Policies;
using Calico.Wizard.Core.Rendering;
using Calico.Wizard.Store;
using k8s;
using k8s.Autorest;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// A real cluster reached through its kubeconfig: a preflight checklist that writes nothing, then
/// server-side apply of each object, then a watch until Calico (or Flannel) reports ready.
/// </summary>
/// <remarks>
/// This class plans the steps and owns the client; the steps' work is done by one part per phase, each in its own
/// file: <see cref="KubernetesPreflight"/>, <see cref="KubernetesDryRun"/>, <see cref="KubernetesApply"/> and
/// <see cref="KubernetesReadiness"/>, with <see cref="ConfiguredManifests"/> shared by them.
/// </remarks>
public sealed class KubernetesTarget : IProvisioningTarget, IDisposable
{
    public const string TigeraCrd = Tigera.InstallationCrd;

    public const string OperatorStep = "Preflight: Tigera operator present and knowing every field we send";
    public const string FlannelPresentStep = "Preflight: Flannel running or its manifest configured";
    public const string DryRunStep = "Preflight: server-side dry run of every object";
    public const string NetConfAnnotation = "calico-wizard.io/net-conf-sha256";
    /// <summary>
    /// The field manager of the restart annotation alone: an apply of only that field must not drop the fields the
    /// DaemonSet's own apply owns.
    /// </summary>
    public const string RestartFieldManager = "calico-wizard-restart";

    private readonly KubernetesTargetOptions target;
    private readonly KubernetesApplyOptions options;
    private readonly KubernetesPreflight preflight;
    private readonly KubernetesDryRun dryRun;
    private readonly KubernetesApply apply;
    private readonly KubernetesReadiness readiness;
    private readonly Lock clientGate = new();
    private IKubernetes? client;

    public KubernetesTarget(KubernetesTargetOptions target, KubernetesApplyOptions options, AppliedObjectStore applied)
    {
        this.target = target;
        this.options = options;
        var manifests = new ConfiguredManifests(options);
        preflight = new KubernetesPreflight(options, manifests);
        dryRun = new KubernetesDryRun(manifests);
        readiness = new KubernetesReadiness(options);
        apply = new KubernetesApply(target.Name, options, applied, manifests, readiness);
    }

    /// <summary>
    /// This target's one client, made on first use (not at start-up: a kubeconfig that is missing now is a failed
    /// step with a message, and one fixed later is used without a restart) and disposed with the target.
    /// </summary>
    private IKubernetes Client
    {
        get
        {
            lock (clientGate) return client ??= KubernetesConnection.Create(target, options);
        }
    }

    public void Dispose()
    {
        lock (clientGate) client?.Dispose();
    }

    public string Name => target.Name;
    public string Description => target.Description ?? $"Kubernetes cluster '{target.Name}' (context {target.Context ?? "current"})";

    public IReadOnlyList<PlannedStep> Plan(ClusterSpec spec, IReadOnlyList<RenderedObject> objects)
    {
        var calico = spec.Backend == NetworkBackend.Calico;
        var steps = new List<PlannedStep>
        {
            new("Preflight: API server reachable", (_, ct) => KubernetesPreflight.ApiReachableAsync(Client, ct)),
            calico
                ? new(OperatorStep, (ctx, ct) => preflight.OperatorKnowsOurFieldsAsync(Client, ctx, ct))
                : new(FlannelPresentStep, (_, ct) => preflight.FlannelPresentAsync(Client, ct)),
            new("Preflight: no other CNI DaemonSet", (_, ct) => KubernetesPreflight.NoOtherCniAsync(Client, calico, ct)),
        };
        if (calico) steps.Add(new("Preflight: nodes fit the block size", (ctx, ct) => KubernetesPreflight.NodesFitAsync(Client, ctx.Spec, ct)));
        steps.Add(new("Preflight: cluster pod CIDR contains the Containers CIDR", (ctx, ct) => KubernetesPreflight.PodCidrAsync(Client, ctx.Spec, ct)));
        steps.Add(new("Preflight: permissions to apply", (ctx, ct) => preflight.PermissionsAsync(Client, ctx, ct)));
        steps.Add(new(DryRunStep, (ctx, ct) => dryRun.RunAsync(Client, ctx, ct)));
        steps.Add(calico
            ? new("Apply the Tigera operator manifest", (ctx, ct) => apply.ApplyOperatorManifestAsync(Client, ctx, ct))
            : new("Apply the Flannel manifest", (ctx, ct) => apply.ApplyFlannelManifestAsync(Client, ctx, ct)));
        PlannedStep Apply(RenderedObject o) => new($"Apply {o.Key}", (ctx, ct) => apply.ApplyAsync(Client, ctx, ctx.Objects.Single(x => x.Key == o.Key), ct));
        steps.AddRange(objects.Where(o => o.Kind != PolicyText.Kind).Select(Apply));
        if (!calico) steps.Add(new("Restart the Flannel pods if net-conf.json changed", (ctx, ct) => apply.RestartFlannelAsync(Client, ctx, ct)));
        steps.Add(calico
            ? new("Wait for TigeraStatus calico Available", (ctx, ct) => readiness.WaitForCalicoAsync(Client, ctx, ct))
            : new("Wait for the Flannel DaemonSet rolled out and ready", (ctx, ct) => readiness.WaitForFlannelAsync(Client, ctx, ct)));
        steps.AddRange(objects.Where(o => o.Kind == PolicyText.Kind).Select(Apply)); // policies need a CNI that enforces them
        return steps.Select(Explained).ToList();
    }

    /// <summary>Any API error a step meets becomes the server's own words and what to check — never the raw response.</summary>
    private static PlannedStep Explained(PlannedStep step) => step with
    {
        Run = async (ctx, ct) =>
        {
            try { return await step.Run(ctx, ct); }
            catch (HttpOperationException e)
            {
                var check = e.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                    ? " Check the permissions of the kubeconfig's identity."
                    : "";
                throw new ProvisioningException($"{KubernetesConnection.Describe(e)}.{check}");
            }
        },
    };
}

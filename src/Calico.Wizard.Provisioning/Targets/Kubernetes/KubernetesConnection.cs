using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Calico.Wizard.Provisioning.Targets.Kubernetes;

/// <summary>
/// Builds the client for one target: kubeconfig + context, with Microsoft's resilience handler in the
/// client's handler chain so 409, 429 (honouring Retry-After), 5xx and timeouts are retried with capped backoff.
/// </summary>
public static class KubernetesConnection
{
    public static IKubernetes Create(KubernetesTargetOptions target, KubernetesApplyOptions options)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(target.Kubeconfig,
                string.IsNullOrWhiteSpace(target.Context) ? null : target.Context);
        }
        catch (Exception e)
        {
            // The library's message can quote the file; say what failed, never what is in it.
            throw new ProvisioningException($"The kubeconfig of target '{target.Name}' could not be loaded (" +
                $"{e.GetType().Name}): check that {target.Kubeconfig} exists, is readable and has context '{target.Context ?? "(current)"}'.");
        }
        // Whatever a server, proxy or library echoes of these into an error is redacted before it is stored or shown.
        foreach (var credential in new[] { config.AccessToken, config.Password, config.ClientCertificateKeyData })
            Jobs.Secrets.Remember(credential);
        return new k8s.Kubernetes(config, [new ResilienceHandler(RetryPipeline(options))]);
    }

    public static ResiliencePipeline<HttpResponseMessage> RetryPipeline(KubernetesApplyOptions options) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException or TimeoutException
                    || args.Outcome.Result?.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
                    || (int?)args.Outcome.Result?.StatusCode >= 500),
            })
            .Build();

    /// <summary>The API server's own words for a failed call, without request or response bodies that might carry secrets.</summary>
    public static string Describe(Exception e) => e switch
    {
        HttpOperationException { Response: { } r } => $"the API server answered {(int)r.StatusCode} {r.StatusCode}{StatusMessage(r.Content)}",
        HttpRequestException h => $"could not reach the API server ({h.HttpRequestError}): {h.Message}",
        _ => e.Message,
    };

    private static string StatusMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out var m) ? $": {m.GetString()}" : "";
        }
        catch (System.Text.Json.JsonException) { return ""; }
    }
}

/// <summary>A step failed for a reason the operator can act on; the message says what to do.</summary>
public sealed class ProvisioningException(string message) : Exception(message);

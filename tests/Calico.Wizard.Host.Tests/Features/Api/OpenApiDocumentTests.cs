using System.Text.Json;
using System.Text.RegularExpressions;
using Calico.Wizard.Core.Drafts;
using Calico.Wizard.Features.Api;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Calico.Wizard.Host.Tests.Features.Api;

/// <summary>The app in process (its own SQLite file): the document it serves, checked against the endpoints it maps.</summary>
public sealed class ApiHost : IAsyncLifetime
{
    private readonly string database = Path.Combine(Path.GetTempPath(), $"calico-wizard-openapi-{Guid.NewGuid():N}.db");
    public WebApplicationFactory<Program> Factory { get; private set; } = default!;
    public JsonElement Document { get; private set; }

    public async Task InitializeAsync()
    {
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Storage:SqlitePath", database)
            .UseSetting("Provisioning:PollInterval", "00:00:30"));
        using var http = Factory.CreateClient();
        Document = JsonDocument.Parse(await http.GetStringAsync(ApiDocs.DocumentPath)).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);
    }
}

public sealed partial class OpenApiDocumentTests(ApiHost host) : IClassFixture<ApiHost>
{
    /// <summary>Every endpoint the app maps under /api, as (METHOD, path with constraints dropped).</summary>
    private IReadOnlyList<(string Method, string Path)> ApiEndpoints() =>
        host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, Normalize(e.RoutePattern.RawText!))))
            .Distinct().ToArray();

    private static string Normalize(string pattern) => "/" + Constraint().Replace(pattern.Trim('/'), "}");

    [GeneratedRegex(@":[^}]+\}")]
    private static partial Regex Constraint();

    [Fact]
    public void Every_api_endpoint_is_described_with_a_summary_a_success_body_and_its_errors_as_problem_details()
    {
        var endpoints = ApiEndpoints();
        Assert.True(endpoints.Count >= 11, $"only {endpoints.Count} /api endpoints found: {string.Join(", ", endpoints)}");
        var paths = host.Document.GetProperty("paths");
        foreach (var (method, path) in endpoints)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{method} {path} is mapped but not in the document");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is mapped but the document has no {method} there");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()), $"{method} {path} has no operationId");
            var responses = operation.GetProperty("responses").EnumerateObject().ToArray();
            Assert.Contains(responses, r => r.Name.StartsWith('2') && r.Value.TryGetProperty("content", out _));
            var errors = responses.Where(r => r.Name[0] is '4' or '5').ToArray();
            Assert.NotEmpty(errors);
            foreach (var error in errors)
                Assert.True(error.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _),
                    $"{method} {path} answers {error.Name} without a ProblemDetails body in the document");
        }
        // and nothing described that is not mapped
        var described = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (o.Name.ToUpperInvariant(), p.Name))).ToArray();
        Assert.Equal(described.OrderBy(d => d).ToArray(), endpoints.OrderBy(e => e).ToArray());
    }

    [Fact]
    public void The_draft_schema_has_exactly_the_spec_files_keys_and_their_bounds()
    {
        var draft = host.Document.GetProperty("components").GetProperty("schemas").GetProperty(nameof(ClusterDraft)).GetProperty("properties");
        var keys = draft.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(DraftFields.All.Select(f => f.Key).Append("id").Order(StringComparer.Ordinal).ToArray(), keys);
        Assert.Equal(253, draft.GetProperty("name").GetProperty("maxLength").GetInt32());
        Assert.Equal("Containers CIDR (Network step).", draft.GetProperty("containersCidr").GetProperty("description").GetString());
    }

    [Fact]
    public void The_documented_example_draft_is_one_the_api_reads_key_for_key()
    {
        var example = host.Document.GetProperty("paths").GetProperty("/api/clusters").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        // the API's own reader refuses an unknown key, so a renamed field breaks this
        var draft = example.Deserialize<ClusterDraft>(ApiJson.Options)!;
        Assert.Equal("edge-01", draft.Name);
        Assert.Equal("suggest", draft.ContainersCidr);
    }

    [Fact]
    public void Enums_are_described_by_their_names_as_the_api_reads_and_writes_them()
    {
        var schemas = host.Document.GetProperty("components").GetProperty("schemas");
        var states = schemas.GetProperty("JobState").GetProperty("enum").EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()).ToArray();
        Assert.Equal(Enum.GetNames<Store.JobState>(), states);
        var stack = schemas.GetProperty(nameof(ClusterDraft)).GetProperty("properties").GetProperty("networkStack").GetProperty("enum");
        Assert.Equal(["IPv4", "IPv6", "DualStack"], stack.EnumerateArray().Select(v => v.GetString()!).ToArray());
    }
}

using Calico.Wizard.Core.Drafts;
using Microsoft.AspNetCore.WebUtilities;

namespace Calico.Wizard.Features.CreateCluster;

/// <summary>Spec values from a query string (?provider=AWS&amp;containersCidr=…): user input like any other.</summary>
public static class Prefill
{
    public static readonly string[] PassThrough = ["origin", "theme", "culture"];

    /// <summary>The query key naming the cluster a new draft duplicates (/new?from={clusterId}); not a spec key.</summary>
    public const string DuplicateKey = "from";

    public static Guid? DuplicateOf(string uri) =>
        QueryHelpers.ParseQuery(new Uri(uri).Query).TryGetValue(DuplicateKey, out var from) && Guid.TryParse(from.ToString(), out var id) ? id : null;

    public static (DraftFile.Spec? Spec, string? Error) FromQuery(string uri)
    {
        var query = QueryHelpers.ParseQuery(new Uri(uri).Query);
        var fields = query.Where(q => !PassThrough.Contains(q.Key, StringComparer.OrdinalIgnoreCase)
            && !string.Equals(q.Key, DuplicateKey, StringComparison.OrdinalIgnoreCase)).ToList();
        if (fields.Count == 0) return (null, null);
        // The query's keys are the spec file's keys; reading it through the spec reader refuses unknown keys the same way.
        var yaml = string.Join("\n", fields.Select(q => $"{q.Key}: {System.Text.Json.JsonSerializer.Serialize(q.Value.ToString())}"));
        return DraftFile.Read(yaml);
    }

    public static string KeepParameters(string uri)
    {
        var query = QueryHelpers.ParseQuery(new Uri(uri).Query);
        var kept = query.Where(q => PassThrough.Contains(q.Key, StringComparer.OrdinalIgnoreCase)).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        return kept.Count == 0 ? "" : QueryHelpers.AddQueryString("", kept);
    }
}

using Calico.Wizard.Core.Providers;
using Calico.Wizard.Core.Rules;
using Calico.Wizard.Features.Clusters;
using Calico.Wizard.Store;
using Microsoft.AspNetCore.WebUtilities;

namespace Calico.Wizard.Features.Api;

/// <summary>
/// <c>GET /api/clusters</c>'s query, read strictly: each value is bounded before it is parsed, and a value that is not
/// understood is refused with the values that are (a typo must not silently widen the list).
/// </summary>
public sealed record ListQuery(ClusterFilter Filter, ClusterOrder Order, int Skip, int Take, IResult? Error = null)
{
    public const int DefaultTake = 25;
    public const int MaxSkip = 1_000_000;
    private const int MaxName = 253;

    public const string Description =
        "Query (all optional): name (a prefix, any case), provider, network (the L2 network, VPC or virtual network), " +
        "state (Pending, Running, Succeeded, Failed, Cancelled: the newest job's, as every answer names it; " +
        "the older Queued and Ready are still accepted for Pending and Succeeded), " +
        "sort (created, name, provider, network, state; default created), order (desc, the default, or asc), " +
        "skip (default 0) and take (1–100, default 25). next is the query of the following page.";

    private static readonly string[] Keys = ["name", "provider", "network", "state", "sort", "order", "skip", "take"];

    public static ListQuery Parse(IQueryCollection query)
    {
        ListQuery Bad(string key, string message) => new(ClusterFilter.None, ClusterOrder.Newest, 0, DefaultTake,
            Results.ValidationProblem(new Dictionary<string, string[]> { [key] = [message] }, title: "The request cannot be answered"));

        if (QueryKeys.Check(query, Keys) is { } refused) return new(ClusterFilter.None, ClusterOrder.Newest, 0, DefaultTake, refused);
        string Text(string key) => query[key].ToString().Trim();

        var name = Text("name");
        if (name.Length > MaxName) return Bad("name", $"name: at most {MaxName} characters (a prefix of the cluster's name).");
        var provider = Text("provider");
        if (provider.Length > DraftLimit) return Bad("provider", $"provider: at most {DraftLimit} characters.");
        var network = Text("network");
        if (network.Length > ProviderMatrix.MaxNetworkLength) return Bad("network", $"network: at most {ProviderMatrix.MaxNetworkLength} characters.");

        JobState? state = null;
        if (Text("state") is { Length: > 0 } stateText)
        {
            state = ListView.StateNamed(stateText); // the states' names, and the two older words still accepted
            if (state is null)
                return Bad("state", $"state must be one of {string.Join(", ", Enum.GetNames<JobState>())} (or " +
                    $"{string.Join(", ", ListView.OldStateWords.Select(w => w.Word))}).");
        }

        var sortText = Text("sort");
        var sort = sortText.Length == 0 ? ClusterSort.Created : ListView.SortNamed(sortText);
        if (sort is not { } by) return Bad("sort", $"sort must be {string.Join(", ", ListView.SortKeys.SkipLast(1))} or {ListView.SortKeys.Last()}.");
        var orderText = Text("order").ToLowerInvariant();
        if (orderText is not ("" or "asc" or "desc")) return Bad("order", "order must be asc or desc.");

        var skip = WholeNumber.Parse(Text("skip") is { Length: > 0 } s ? s : "0", 0, MaxSkip, "");
        if (!skip.Ok) return Bad("skip", $"skip: {skip.Error}");
        var take = WholeNumber.Parse(Text("take") is { Length: > 0 } t ? t : DefaultTake.ToString(System.Globalization.CultureInfo.InvariantCulture),
            1, ClusterQueries.MaxPageSize, "");
        if (!take.Ok) return Bad("take", $"take: {take.Error}");

        return new ListQuery(new ClusterFilter(name, provider, network, state), new ClusterOrder(by, orderText != "asc"), skip.Value, take.Value);
    }

    private const int DraftLimit = Core.Drafts.DraftField.Short;

    /// <summary>The same query for the page after this one.</summary>
    public string NextPage(IQueryCollection query)
    {
        var next = query.Where(q => !q.Key.Equals("skip", StringComparison.OrdinalIgnoreCase))
            .Select(q => KeyValuePair.Create(q.Key.ToLowerInvariant(), (string?)q.Value.ToString()))
            .Append(KeyValuePair.Create("skip", (string?)(Skip + Take).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString("/api/clusters", next);
    }
}

/// <summary>What every query string of the API is held to before a value is read: only its own keys, each once.</summary>
public static class QueryKeys
{
    /// <returns>A 400 naming the first unknown or repeated key (a typo must not be answered as if it were not there), or null.</returns>
    public static IResult? Check(IQueryCollection query, IReadOnlyCollection<string> keys)
    {
        static IResult Bad(string key, string message) =>
            Results.ValidationProblem(new Dictionary<string, string[]> { [key] = [message] }, title: "The request cannot be answered");
        if (query.Keys.FirstOrDefault(k => !keys.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            return Bad(unknown.Length > 40 ? unknown[..40] : unknown,
                keys.Count == 0 ? "Unknown query key: this request takes none." : $"Unknown query key: the keys are {string.Join(", ", keys)}.");
        foreach (var key in keys)
            if (query[key].Count > 1) return Bad(key, $"{key} is given more than once: give it once.");
        return null;
    }
}

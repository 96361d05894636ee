using System.Globalization;
using Calico.Wizard.Core.Providers;
using Calico.Wizard.Store;

namespace Calico.Wizard.Features.Clusters;

/// <summary>
/// What the clusters list shows — filters, page, page size, sort — and its query string
/// (<c>?name=&amp;provider=&amp;network=&amp;state=&amp;page=&amp;size=&amp;sort=</c>), so a reload or a shared link shows the
/// same page. Anything in the query string it cannot read (an unknown state or provider, a negative or huge page,
/// a page size not offered, an unknown sort) is ignored, never an error.
/// </summary>
public sealed record ListView
{
    public static readonly int[] PageSizes = [25, 50, 100];
    public const int MaxPage = 1_000_000;

    public string? Name { get; init; }
    public string? Provider { get; init; }
    public string? Network { get; init; }
    public JobState? State { get; init; }
    /// <summary>Zero-based, as the grid counts; the query string's <c>page</c> is one-based, as people count.</summary>
    public int PageIndex { get; set; }
    public int Size { get; set; } = PageSizes[0];
    public ClusterOrder Order { get; init; } = ClusterOrder.Newest;

    public ClusterFilter Filter => new(Name, Provider, Network, State);

    private static readonly (ClusterSort Sort, string Key, string Column)[] Sorts =
    [
        (ClusterSort.Created, "created", nameof(ClusterRow.CreatedAt)),
        (ClusterSort.Name, "name", nameof(ClusterRow.Name)),
        (ClusterSort.Provider, "provider", nameof(ClusterRow.Provider)),
        (ClusterSort.Network, "network", nameof(ClusterRow.L2Network)),
        (ClusterSort.State, "state", nameof(ClusterRow.State)),
    ];

    /// <summary>The sort of a grid column (its property's name); newest first for anything else.</summary>
    public static ClusterSort SortOf(string? column) => Sorts.FirstOrDefault(s => s.Column == column).Sort;

    public static ListView Parse(string? name, string? provider, string? network, string? state, string? page, string? size, string? sort,
        ProviderMatrix matrix) => new()
        {
            Name = Clean(name, 63)?.ToLowerInvariant(),
            Provider = Clean(provider, 64) is { } p
                ? matrix.Providers.FirstOrDefault(o => string.Equals(o.Name, p, StringComparison.OrdinalIgnoreCase))?.Name
                : null,
            Network = Clean(network, ProviderMatrix.MaxNetworkLength),
            State = StateNamed(state),
            PageIndex = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPage ? n - 1 : 0,
            Size = int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var z) && PageSizes.Contains(z) ? z : PageSizes[0],
            Order = ParseSort(sort),
        };

    private static ClusterOrder ParseSort(string? sort)
    {
        if (Clean(sort, 32)?.ToLowerInvariant() is not { } text) return ClusterOrder.Newest;
        var descending = text.EndsWith("-desc", StringComparison.Ordinal);
        return SortNamed(descending ? text[..^"-desc".Length] : text) is { } by ? new ClusterOrder(by, descending) : ClusterOrder.Newest;
    }

    /// <summary>
    /// A job state by its name, any case (the list's links and the API share the words), or by the words the chips
    /// showed before they used the names (<see cref="OldStateWords"/>: links and scripts written then keep working);
    /// null for anything else.
    /// </summary>
    public static JobState? StateNamed(string? name)
    {
        if (Clean(name, 16) is not { } s) return null;
        foreach (var (word, old) in OldStateWords)
            if (word.Equals(s, StringComparison.OrdinalIgnoreCase)) return old;
        // letters only: Enum.TryParse would also take "7" or "Failed,Running"
        return s.All(char.IsAsciiLetter) && Enum.TryParse<JobState>(s, ignoreCase: true, out var state) ? state : null;
    }

    /// <summary>Queued and Ready, still read for Pending and Succeeded wherever a state is asked for; never written.</summary>
    public static readonly (string Word, JobState State)[] OldStateWords = [("Queued", JobState.Pending), ("Ready", JobState.Succeeded)];

    /// <summary>A sort by its query-string key (created, name, provider, network, state), any case; null for anything else.</summary>
    public static ClusterSort? SortNamed(string? key) =>
        Clean(key, 32)?.ToLowerInvariant() is { } k && Sorts.Any(s => s.Key == k) ? Sorts.First(s => s.Key == k).Sort : null;

    /// <summary>The sort keys, in the order the list offers them.</summary>
    public static IEnumerable<string> SortKeys => Sorts.Select(s => s.Key);

    /// <summary>The query string's parameters; a default (first page, newest first, 25 a page, no filter) is left out.</summary>
    public IReadOnlyDictionary<string, object?> ToQuery() => new Dictionary<string, object?>
    {
        ["name"] = Name,
        ["provider"] = Provider,
        ["network"] = Network,
        ["state"] = State?.ToString(),
        ["page"] = PageIndex > 0 ? (PageIndex + 1).ToString(CultureInfo.InvariantCulture) : null,
        ["size"] = Size != PageSizes[0] ? Size.ToString(CultureInfo.InvariantCulture) : null,
        ["sort"] = Order == ClusterOrder.Newest ? null : Sorts.First(s => s.Sort == Order.By).Key + (Order.Descending ? "-desc" : ""),
    };

    /// <summary>Trimmed text, or null when blank; at most <paramref name="max"/> characters.</summary>
    public static string? Clean(string? text, int max)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > max ? trimmed[..max] : trimmed;
    }
}

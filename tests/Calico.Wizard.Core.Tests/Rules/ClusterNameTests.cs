using Calico.Wizard.Core.Drafts;

namespace Calico.Wizard.Core.Tests.Rules;

/// <summary>
/// The cluster's name: no line break or space around it (a regression these tests found), and no second cluster of
/// that name in the registry.
/// </summary>
public sealed class ClusterNameTests
{
    [Theory]
    [InlineData("edge-01\n", "did you mean edge-01")] // "$" matched before a final newline
    [InlineData(" edge-01", "did you mean edge-01")]
    public async Task A_cluster_name_with_a_line_break_or_space_is_rejected(string name, string fix)
    {
        var check = await TestDrafts.Valid(d => d.Name = name).CheckAsync();

        Assert.False(check.IsValid);
        Assert.Contains(fix, Assert.Single(check.ErrorsFor(nameof(ClusterDraft.Name))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_cluster_name_is_an_error()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("edge-01", "rack-9", "10.40.0.0/16", "10.41.0.0/16")));

        var check = await TestDrafts.Valid(d => d.Name = "edge-01").CheckAsync(registry);

        Assert.False(check.IsValid);
        Assert.Contains("'edge-01' already exists", Assert.Single(check.ErrorsFor(nameof(ClusterDraft.Name))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_name_is_no_duplicate()
    {
        var registry = new FakeClusterRegistry(("BareOS", FakeClusterRegistry.Cluster("edge-02", "rack-9", "10.40.0.0/16", "10.41.0.0/16")));

        var check = await TestDrafts.Valid(d => d.Name = "edge-01").CheckAsync(registry);

        Assert.True(check.IsValid, string.Join(" | ", check.Errors.Select(e => e.ErrorMessage)));
    }
}

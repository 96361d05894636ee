using Calico.Wizard.Core.Providers;
using Calico.Wizard.Features.Api;
using Calico.Wizard.Features.Clusters;
using Calico.Wizard.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Calico.Wizard.Tests.Features.Clusters;

/// <summary>
/// One vocabulary for a job's state (issue 28): the chips show the words the store and the API use, and the older
/// Queued and Ready are still read wherever a state is asked for (the API's filter, the list's query string) but
/// never written.
/// </summary>
public sealed class JobStateWordsTests
{
    [Fact]
    public void A_chip_shows_each_state_by_the_name_the_store_and_the_api_use()
    {
        Assert.All(Enum.GetValues<JobState>(), state => Assert.Equal(state.ToString(), JobStates.Text(state)));
        Assert.Equal("—", JobStates.Text(null));
    }

    [Theory]
    [InlineData("Pending", JobState.Pending)]
    [InlineData("queued", JobState.Pending)]
    [InlineData("Queued", JobState.Pending)]
    [InlineData("SUCCEEDED", JobState.Succeeded)]
    [InlineData("Ready", JobState.Succeeded)]
    [InlineData(" ready ", JobState.Succeeded)]
    [InlineData("Cancelled", JobState.Cancelled)]
    public void The_api_filter_and_the_lists_query_string_read_the_names_and_the_older_words(string word, JobState state)
    {
        var query = ListQuery.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["state"] = word }));
        Assert.Null(query.Error);
        Assert.Equal(state, query.Filter.State);

        var view = ListView.Parse(null, null, null, word, null, null, null, ProviderMatrix.Seed);
        Assert.Equal(state, view.State);
        Assert.Equal(state.ToString(), view.ToQuery()["state"]); // a link is written in the names
    }

    [Theory]
    [InlineData("Done")]
    [InlineData("Queued,Ready")]
    [InlineData("7")]
    public void A_word_that_is_neither_is_refused_by_the_api_and_ignored_by_the_list(string word)
    {
        Assert.NotNull(ListQuery.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["state"] = word })).Error);
        Assert.Null(ListView.Parse(null, null, null, word, null, null, null, ProviderMatrix.Seed).State);
    }
}

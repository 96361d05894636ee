using System.Text.RegularExpressions;

namespace Calico.Wizard.Host.Tests.Deployment;

/// <summary>src/Calico.Wizard/Dockerfile, read as text (no container engine here): the final image's user, health check and writable paths.</summary>
public sealed partial class ContainerImageTests
{
    /// <summary>The instructions of the last stage (the image that runs), continuation lines joined.</summary>
    private static readonly List<(string Instruction, string Arguments)> FinalStage = Parse();

    [Fact]
    public void The_image_runs_as_an_unprivileged_user()
    {
        var user = Assert.Single(FinalStage, i => i.Instruction == "USER").Arguments;
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.Equal("$APP_UID", user); // the .NET images' "app" user, uid 1654: deploy/kubernetes runs as the same uid
    }

    [Fact]
    public void The_image_checks_its_own_health_on_healthz()
    {
        var check = Assert.Single(FinalStage, i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.Contains("http://127.0.0.1:8080/healthz", check, StringComparison.Ordinal);
        Assert.Contains("CMD", check, StringComparison.Ordinal);
    }

    [Fact]
    public void The_store_folder_belongs_to_that_user_so_a_fresh_volume_is_writable()
    {
        Assert.Contains(FinalStage, i => i.Instruction == "RUN" && i.Arguments.Contains("chown \"$APP_UID:$APP_UID\" /data", StringComparison.Ordinal));
        Assert.Contains(FinalStage, i => i.Instruction == "VOLUME" && i.Arguments == "/data");
        Assert.Contains(FinalStage, i => i.Instruction == "ENV" && i.Arguments.Contains("Storage__SqlitePath=/data/", StringComparison.Ordinal));
        // chown before USER: the unprivileged user could not do it
        Assert.True(FinalStage.FindIndex(i => i.Arguments.Contains("chown", StringComparison.Ordinal)) < FinalStage.FindIndex(i => i.Instruction == "USER"));
    }

    [Fact]
    public void The_image_listens_where_it_says()
    {
        Assert.Contains(FinalStage, i => i.Instruction == "EXPOSE" && i.Arguments == "8080");
        Assert.Contains(FinalStage, i => i.Instruction == "ENV" && i.Arguments.Contains("Urls=http://0.0.0.0:8080", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();

    private static List<(string, string)> Parse()
    {
        var text = Continuation().Replace(File.ReadAllText(Path.Combine(Repository.Root, "src", "Calico.Wizard", "Dockerfile")), " ");
        var instructions = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2) is [var word, var rest] ? (word.ToUpperInvariant(), rest.Trim()) : (l.ToUpperInvariant(), "")).ToList();
        return instructions[instructions.FindLastIndex(i => i.Item1 == "FROM")..];
    }
}

namespace Calico.Wizard.Core.Tests.Repository;

/// <summary>
/// No source line under src/ is longer than <see cref="MaxLength"/> characters (issue 28; the repository's
/// .editorconfig says the same as max_line_length): a longer line is wrapped the way its neighbours are.
/// </summary>
public sealed class SourceLineTests
{
    public const int MaxLength = 160;

    /// <summary>
    /// What is written by hand: C#, Razor, project files and the components' scripts and styles. Not checked: the
    /// vendored CRD schema (YAML/JSON data, as the operator publishes it), the .resx resources (each value is a
    /// one-line message; a line break in it would change the text) and anything else that is not one of these.
    /// </summary>
    private static readonly string[] Extensions = [".cs", ".razor", ".csproj", ".js", ".css", ".props"];

    /// <summary>
    /// Folders not checked: bin/ and obj/ (build output, not in the repository) and Migrations/ (EF Core writes them;
    /// they are regenerated, not edited, and .editorconfig marks them generated_code).
    /// </summary>
    private static readonly string[] SkippedFolders = ["bin", "obj", "Migrations"];

    private static IEnumerable<string> SourceFiles(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
            if (Extensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                yield return file;
        foreach (var sub in Directory.EnumerateDirectories(folder))
            if (!SkippedFolders.Contains(Path.GetFileName(sub), StringComparer.OrdinalIgnoreCase))
                foreach (var file in SourceFiles(sub))
                    yield return file;
    }

    [Fact]
    public void No_source_line_is_longer_than_160_characters()
    {
        // the shared finder: up from AppContext.BaseDirectory to the folder that holds Calico.Wizard.sln
        var root = Calico.Wizard.Testing.Repository.Root;
        var files = SourceFiles(Path.Combine(root, "src")).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} source files found under {root}/src: the scan is broken");
        var tooLong = files
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (File: file, Number: i + 1, line.Length)))
            .Where(l => l.Length > MaxLength)
            .Select(l => $"{Path.GetRelativePath(root, l.File).Replace('\\', '/')}:{l.Number}: {l.Length} characters")
            .ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines over {MaxLength} characters (wrap them):\n{string.Join("\n", tooLong)}");
    }
}

namespace Calico.Wizard;

/// <summary>
/// The repository's top-level appsettings.json and wwwroot/ are the app's settings and web root. Run from the
/// repository (dotnet run) they are used in place; run anywhere else, the copies built beside the binary are.
/// </summary>
public static class HostPaths
{
    public static WebApplicationOptions Options(string[] args)
    {
        var root = ContentRoot();
        return new WebApplicationOptions { Args = args, ContentRootPath = root, WebRootPath = Path.Combine(root, "wwwroot") };
    }

    public static string ContentRoot()
    {
        // dotnet run starts in src/Calico.Wizard: look up from there for the repository's files.
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "appsettings.json")) && Directory.Exists(Path.Combine(dir.FullName, "wwwroot")))
                return dir.FullName;
            if (File.Exists(Path.Combine(dir.FullName, "Calico.Wizard.sln"))) break; // never leave the repository
        }
        return AppContext.BaseDirectory;
    }
}

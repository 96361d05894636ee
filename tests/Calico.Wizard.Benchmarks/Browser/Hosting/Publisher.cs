using System.Diagnostics;

namespace Calico.Wizard.Benchmarks.Browser;

/// <summary>dotnet publish -c Release of the wizard or the floor, before any phase starts it.</summary>
public static class Publisher
{
    public static void Publish(string root, string output, string project = "src/Calico.Wizard")
    {
        Console.WriteLine($"dotnet publish {project} -c Release -o {Path.GetRelativePath(root, output)}");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "q", "-clp:ErrorsOnly" }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("dotnet publish failed");
    }
}

namespace Calico.Wizard.Store;

/// <summary>
/// The embedded store's files hold every draft, the audit trail and the Data Protection key ring (antiforgery
/// tokens, the sign-in cookie, paused circuits): they are the app's user's alone. A folder this creates is 0700
/// and the database 0600 (SQLite gives its -wal and -shm files the database's mode); a database, -wal or -shm
/// found open to others (a store written before this) is closed to them. A folder that already exists is left
/// as it is: it may be shared (a temp folder) and is not this app's to change.
/// </summary>
public static class SqliteFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <returns>The files whose mode was narrowed (for the log).</returns>
    public static IReadOnlyList<string> Prepare(string databasePath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return [];
        }
        // each folder it creates, from the first missing one down (CreateDirectory gives the mode to the last one only)
        var missing = new Stack<string>();
        for (var dir = folder; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!) missing.Push(dir);
        while (missing.TryPop(out var dir)) Directory.CreateDirectory(dir, FolderMode);
        if (!File.Exists(databasePath))
            using (new FileStream(databasePath,
                new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode })) { }
        var narrowed = new List<string>();
        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal" })
        {
            if (!File.Exists(file) || (File.GetUnixFileMode(file) & Others) == 0) continue;
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) & ~Others);
            narrowed.Add(file);
        }
        return narrowed;
    }
}

namespace Jasmine.Bots.Tests.Support;

/// <summary>The repository the tests run from: the folder above the test binaries that holds Jasmine.Bots.sln (a clone's or a worktree's).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>A folder or file of the repository, by its path from the root.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Jasmine.Bots.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Jasmine.Bots.sln not found above " + AppContext.BaseDirectory);
    }
}

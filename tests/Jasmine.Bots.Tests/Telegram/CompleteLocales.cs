using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Tests.Telegram;

/// <summary>
/// The repository's locales, or — while some translations still lack keys added in French — a temporary copy
/// in which those keys fall back to the French text, so channel tests can start the host. LocaleTests still
/// report the missing translations.
/// </summary>
public static class CompleteLocales
{
    private static readonly Lazy<string> Dir = new(Build);
    public static string Directory => Dir.Value;

    private static string Build()
    {
        var source = FindRepoLocales();
        try
        {
            Locales.Load(source);
            return source;
        }
        catch (InvalidOperationException)
        {
        }
        var target = Path.Combine(Path.GetTempPath(), "jasmine-tests", "locales-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(target);
        var french = File.ReadAllLines(Path.Combine(source, "fr.yaml"))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains(": "))
            .ToDictionary(l => l[..l.IndexOf(':')], l => l);
        foreach (var file in System.IO.Directory.GetFiles(source, "*.yaml"))
        {
            var lines = File.ReadAllLines(file).ToList();
            var keys = lines.Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains(':')).Select(l => l[..l.IndexOf(':')]).ToHashSet();
            lines.AddRange(french.Where(f => !keys.Contains(f.Key)).Select(f => f.Value));
            File.WriteAllLines(Path.Combine(target, Path.GetFileName(file)), lines);
        }
        return target;
    }

    private static string FindRepoLocales()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Jasmine.Bots.sln"))) return Path.Combine(dir.FullName, "locales");
        return Path.Combine(AppContext.BaseDirectory, "locales");
    }
}

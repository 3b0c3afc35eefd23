using System.Text.RegularExpressions;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>A collection missing from the catalog would be left behind by a migration and by a PostgreSQL backup.</summary>
public sealed partial class StoreCatalogTests
{
    [GeneratedRegex("""Collection<(\w+)>\((?:"(\w+)"|(\w+))\)""")]
    private static partial Regex Use();

    [Fact]
    public void Every_collection_the_source_uses_is_in_the_catalog_with_its_type()
    {
        var catalog = StoreCatalog.All.ToDictionary(e => e.Name, e => e.Type.Name, StringComparer.Ordinal);
        var seen = 0;
        foreach (var file in Directory.EnumerateFiles(Support.Repository.Path("src", "Jasmine.Bots.Host"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            foreach (Match m in Use().Matches(File.ReadAllText(file)))
            {
                var type = m.Groups[1].Value;
                if (type is "T" or "BsonDocument") continue;
                seen++;
                if (m.Groups[2].Success) Assert.True(catalog.TryGetValue(m.Groups[2].Value, out var listed) && listed == type, $"{Path.GetFileName(file)}: collection \"{m.Groups[2].Value}\" of {type} is not in StoreCatalog.All");
                else Assert.True(StoreCatalog.All.Any(e => e.Type.Name == type), $"{Path.GetFileName(file)}: {type} is not in StoreCatalog.All");
            }
        }
        Assert.True(seen > 25, $"only {seen} uses found: the pattern no longer matches the source");
        Assert.Equal(StoreCatalog.All.Count, StoreCatalog.All.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
    }
}

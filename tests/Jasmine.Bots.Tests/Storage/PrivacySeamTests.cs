using System.Text.RegularExpressions;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>
/// Privacy lives in the stores (issue 19): only the storage folder hashes, encrypts and decrypts, so a feature can
/// neither forget to protect a field nor read one it should not. This reads the source tree and holds the line.
/// </summary>
public sealed partial class PrivacySeamTests
{
    // Not yet moved behind a store: this list may only shrink. A file leaves it once a store does its hashing and
    // encryption; the test fails if a listed file no longer needs to be here, so the list keeps telling the truth.
    private static readonly HashSet<string> NotYetMoved = new(StringComparer.Ordinal)
    {
        // Empty since the inbound ledger and the outbox store moved into the storage folder.
    };

    [Fact]
    public void Only_the_storage_folder_mentions_the_field_protector_or_an_encrypted_field()
    {
        var outside = Offenders().Where(f => !NotYetMoved.Contains(f.File)).Select(f => $"{f.File}: {f.Mention}").ToList();
        Assert.True(outside.Count == 0, "Outside the storage folder: " + string.Join(", ", outside));
    }

    [Fact]
    public void The_list_of_files_not_yet_moved_only_names_files_that_still_need_it()
    {
        var offending = Offenders().Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        var moved = NotYetMoved.Where(f => !offending.Contains(f)).ToList();
        Assert.True(moved.Count == 0, "Behind a store now, take off the list: " + string.Join(", ", moved));
    }

    /// <summary>Issue 19's line: features use the stores, never the databases underneath (Hangfire's own PostgreSQL storage aside).</summary>
    [Fact]
    public void No_file_outside_the_storage_folder_names_LiteDB_or_Npgsql()
    {
        var named = SourcesOutsideStorage().Where(f => f.File != "Jobs/PostgresJobStorage.cs" && Database().IsMatch(f.Text)).Select(f => f.File).ToList();
        Assert.True(named.Count == 0, "Outside the storage folder: " + string.Join(", ", named));
    }

    [GeneratedRegex(@"\bLiteDB\b|\bNpgsql\b|\bLiteException\b|\bBsonValue\b")]
    private static partial Regex Database();

    private static IEnumerable<(string File, string Mention)> Offenders() =>
        SourcesOutsideStorage().Select(f => (f.File, Match: Mention().Match(f.Text))).Where(f => f.Match.Success).Select(f => (f.File, f.Match.Value));

    /// <summary>The host's C# and Razor files outside <c>Storage/</c> (and the build folders), by their path from the project.</summary>
    private static IEnumerable<(string File, string Text)> SourcesOutsideStorage()
    {
        var host = Support.Repository.Path("src", "Jasmine.Bots.Host");
        var files = Directory.EnumerateFiles(host, "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(host, "*.cshtml", SearchOption.AllDirectories));
        foreach (var path in files)
        {
            var relative = Path.GetRelativePath(host, path).Replace('\\', '/');
            if (relative.StartsWith("Storage/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)
                || relative.StartsWith("obj/", StringComparison.Ordinal)) continue;
            yield return (relative, File.ReadAllText(path));
        }
    }

    // FieldProtector, store.Protector, or an identifier ending in Enc (PseudonymEnc, StateEnc…).
    [GeneratedRegex(@"Protector|\b\w+Enc\b")]
    private static partial Regex Mention();
}

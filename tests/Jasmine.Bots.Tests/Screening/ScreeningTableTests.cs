using System.Buffers.Text;
using System.Security.Cryptography;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Privacy;
using Jasmine.Bots.Screening;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasmine.Bots.Tests.Screening;

/// <summary>The start-up read in pages and the flat table it fills, against the documents in a real LiteDB file.</summary>
public sealed class ScreeningTableTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_000)]   // exactly two pages of 500: the read must stop on the empty third
    [InlineData(1_337)]
    public void The_index_read_in_pages_holds_every_identifier_of_the_store_with_its_summary_and_nothing_else(int identifiers)
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dir, "jasmine.db");
        var protector = new FieldProtector(FieldProtector.NewMasterKey());
        var expected = new Dictionary<string, ProfileSummary>();
        var now = new DateTime(2026, 11, 30, 21, 15, 7, 123, DateTimeKind.Utc);
        try
        {
            using (var store = new JasmineStore(path, protector))
            {
                var docs = Enumerable.Range(0, identifiers).Select(i => new IdentifierIndexDoc
                {
                    Id = NewHash(),
                    ProfileId = Guid.NewGuid().ToString("N"),
                    Classification = (Classification)(i % 5),
                    CategoryMask = i % 7 == 0 ? 0 : 1 << (i % ReportCategories.All.Count),
                    LastReportAt = i % 3 == 0 ? null : now.AddMinutes(-i),
                }).ToList();
                if (docs.Count > 0) store.IdentifierIndex.InsertBulk(docs);
                foreach (var d in docs) expected[d.Id] = new ProfileSummary(d.Classification, (ushort)d.CategoryMask, d.LastReportAt);
            }

            using var reopened = new JasmineStore(path, protector);
            var index = new ScreeningIndex(reopened, NullLogger<ScreeningIndex>.Instance);
            Assert.Equal(identifiers, index.Count);
            foreach (var (hash, summary) in expected)
            {
                Assert.True(index.TryGet(hash, out var found), "an identifier of the store is missing from the index");
                Assert.Equal(summary, found);
                Assert.Equal(summary.LastReportAt?.Kind, found.LastReportAt?.Kind);
            }
            for (var i = 0; i < 2_000; i++) Assert.False(index.TryGet(NewHash(), out _));

            // Changes after start-up: a new identifier, one re-classified, one removed; the count follows.
            var added = new ProfileIdentifier { Hash = NewHash() };
            var profile = new ProfileDoc { Id = "p", Classification = Classification.VeryDangerous, Categories = [ReportCategories.All[0]], LastReportAt = now, Identifiers = [added] };
            index.Refresh(profile);
            Assert.Equal(identifiers + 1, index.Count);
            Assert.True(index.TryGet(added.Hash, out var fresh));
            Assert.Equal(ProfileSummary.Of(profile), fresh);
            index.Refresh(profile);
            Assert.Equal(identifiers + 1, index.Count);
            if (identifiers > 0)
            {
                var (first, _) = expected.First();
                index.Refresh(new ProfileDoc { Id = "q", Classification = Classification.Annoying, Identifiers = [new ProfileIdentifier { Hash = first }] });
                Assert.Equal(identifiers + 1, index.Count);
                Assert.True(index.TryGet(first, out var changed));
                Assert.Equal(Classification.Annoying, changed.Classification);
                index.Remove([first]);
                Assert.False(index.TryGet(first, out _));
                Assert.Equal(identifiers, index.Count);
                index.Remove([first]);
                Assert.Equal(identifiers, index.Count);
            }
            index.Remove([added.Hash]);
            Assert.False(index.TryGet(added.Hash, out _));
            Assert.Equal(Math.Max(0, identifiers - 1), index.Count);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static string NewHash() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}

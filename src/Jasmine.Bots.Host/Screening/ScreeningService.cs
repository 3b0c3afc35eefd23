using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Screening;

/// <summary>What a look-up found. <see cref="Classification"/> is null when nothing is known.</summary>
public sealed record ScreeningResult(Identifier Identifier, Classification? Classification, IReadOnlyList<string> Categories, DateTime? LastReportAt);

public sealed class ScreeningService(JasmineStore store, ProfileService profiles, IOptions<JasmineOptions> options, TimeProvider time)
{
    /// <summary>Counts one look-up against her hourly allowance; false when she has used it up.</summary>
    public bool TryConsume(string memberId, int count)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        // The trace is keyed by a hash so the rate table cannot be joined to members by a reader of the file.
        var id = store.Protector.Hash("rate", $"{memberId}:{hour:yyyyMMddHH}");
        lock (store)
        {
            var doc = store.Rates.FindById(id) ?? new RateDoc { Id = id, Hour = hour };
            if (doc.Count + count > options.Value.Screening.PerHour) return false;
            doc.Count += count;
            store.Rates.Upsert(doc);
            return true;
        }
    }

    public ScreeningResult Screen(Identifier identifier)
    {
        var profile = profiles.Find(identifier);
        if (profile is null || profile.Classification == Classification.NotSignaled)
            return new ScreeningResult(identifier, null, [], null);
        if (profile.Classification is Classification.VeryDangerous or Classification.Risky or Classification.Annoying)
            store.Increment($"matches:{time.GetUtcNow():yyyy-MM}");
        return new ScreeningResult(identifier, profile.Classification, profile.Categories, profile.LastReportAt);
    }
}

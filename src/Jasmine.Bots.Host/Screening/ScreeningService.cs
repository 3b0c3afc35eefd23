using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Screening;

/// <summary>What a look-up found. <see cref="Classification"/> is null when nothing is known.</summary>
public sealed record ScreeningResult(Identifier Identifier, Classification? Classification, IReadOnlyList<string> Categories, DateTime? LastReportAt);

public sealed class ScreeningService(JasmineStore store, ProfileService profiles, ScreeningIndex index, IOptions<JasmineOptions> options, TimeProvider time)
{
    // Kept in memory only: a trace of who screened how much is not worth a write per message, nor worth keeping.
    // A restart resets the allowance, which costs an enumerator one hour at most.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private long _hour;

    /// <summary>Counts look-ups against her hourly allowance; false when she has used it up.</summary>
    public bool TryConsume(string memberId, int count)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hour = now.Ticks / TimeSpan.TicksPerHour;
        if (Interlocked.Exchange(ref _hour, hour) != hour) _counts.Clear();
        var limit = options.Value.Screening.PerHour;
        var granted = false;
        _counts.AddOrUpdate(memberId, _ => { granted = count <= limit; return granted ? count : 0; },
            (_, used) => { granted = used + count <= limit; return granted ? used + count : used; });
        return granted;
    }

    public ScreeningResult Screen(Identifier identifier)
    {
        var hash = profiles.HashOf(identifier);
        ProfileSummary? summary = index.TryGet(hash, out var s) ? s : null;

        if (summary is not { } found || found.Classification == Classification.NotSignaled)
            return new ScreeningResult(identifier, null, [], null);
        if (found.Classification is Classification.VeryDangerous or Classification.Risky or Classification.Annoying)
            store.Increment($"matches:{time.GetUtcNow():yyyy-MM}");
        return new ScreeningResult(identifier, found.Classification, found.Categories, found.LastReportAt);
    }
}

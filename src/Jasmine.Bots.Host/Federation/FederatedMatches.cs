using System.Globalization;
using Jasmine.Bots.Staff;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Federation;

/// <summary>For the staff console: how many screenings were answered by a partner's list, a count with the usual suppression.</summary>
public sealed class FederatedMatches(JasmineStore store, TimeProvider time)
{
    public Cell LastTwelveMonths()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var months = Enumerable.Range(0, 12).Select(i => $"federated.matches:{now.AddMonths(-i).ToString("yyyy-MM", CultureInfo.InvariantCulture)}").ToHashSet(StringComparer.Ordinal);
        var total = store.Counters.Find(c => c.Id.StartsWith("federated.matches:")).Where(c => months.Contains(c.Id)).Sum(c => c.Count);
        return Statistics.Count(total);
    }
}

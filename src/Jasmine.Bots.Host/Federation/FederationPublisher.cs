using System.Text.Json;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Federation;

/// <summary>
/// Builds, for each partner, the signed and dated list of pseudonyms of our very dangerous identifiers, computed
/// with that partner's OPRF keys for the kinds we share with it. Rebuilt by the recurring job, and on the next
/// request after a classification changed (so a declassified number leaves the lists within the hour at most).
/// </summary>
public sealed class FederationPublisher(
    JasmineStore store,
    ProfileService profiles,
    FederationKeys keys,
    IOptions<FederationOptions> options,
    IOptions<JasmineOptions> jasmine,
    TimeProvider time,
    ILogger<FederationPublisher> logger) : IClassificationListener
{
    private readonly Lock _gate = new();
    private Dictionary<string, SignedList>? _lists;
    private DateTime _builtAt;
    private volatile bool _dirty = true;

    public SignedList ListFor(PartnerOptions partner)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            if (_lists is null || _dirty || now - _builtAt >= options.Value.ListRefresh) Rebuild();
            return _lists![partner.PublicKey];
        }
    }

    /// <summary>Returns how many pseudonyms were published in all (a count for the log, nothing else).</summary>
    public int Rebuild()
    {
        lock (_gate)
        {
            _dirty = false;
            var now = time.GetUtcNow().UtcDateTime;
            var region = jasmine.Value.DefaultRegion;
            var dangerous = store.Profiles.Find(p => p.Classification == Classification.VeryDangerous)
                .SelectMany(p => p.Identifiers)
                .Where(i => FederationOptionsValidation.Federable.Contains(i.Kind))
                .Select(profiles.Reveal)
                .ToList();
            var lists = new Dictionary<string, SignedList>(StringComparer.Ordinal);
            var total = 0;
            foreach (var partner in options.Value.Partners)
            {
                var pseudonyms = new Dictionary<Identifiers.IdentifierKind, List<string>>();
                foreach (var kind in partner.SharedKinds)
                {
                    var key = keys.OprfKey(partner.PublicKey, kind);
                    pseudonyms[kind] = dangerous.Where(d => d.Kind == kind)
                        .Select(d => FederationWire.InputOf(d, region))
                        .OfType<byte[]>()
                        .Select(input => Pseudonym(Oprf.Evaluate(key, input)))
                        .Distinct(StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)
                        .ToList();
                    total += pseudonyms[kind].Count;
                }
                var payload = JsonSerializer.SerializeToUtf8Bytes(new ListPayload(1, keys.PublicKey, partner.PublicKey, now, pseudonyms), JsonSerializerOptions.Web);
                lists[partner.PublicKey] = new SignedList(Convert.ToBase64String(payload), Convert.ToBase64String(keys.Signing.Sign(payload)));
            }
            _lists = lists;
            _builtAt = now;
            logger.LogInformation("Federation: lists rebuilt for {Partners} partners, {Pseudonyms} pseudonyms in all", lists.Count, total);
            return total;
        }
    }

    /// <summary>What lists carry of an OPRF output: its first 32 bytes, base64.</summary>
    public static string Pseudonym(byte[] output) => Convert.ToBase64String(output, 0, 32);

    public Task ClassifiedAsync(ProfileDoc profile, Classification previous, TextWriter output, CancellationToken ct)
    {
        if (profile.Classification == Classification.VeryDangerous || previous == Classification.VeryDangerous) _dirty = true;
        return Task.CompletedTask;
    }
}

using Jasmine.Bots.Identifiers;

namespace Jasmine.Bots.Federation;

/// <summary>
/// <c>Jasmine:Federation</c>: our own keys and the partner alert systems an admin has agreed with, each with its
/// address, its Ed25519 public key (exchanged out of band), what we share with it and how much it may ask a day.
/// </summary>
public sealed class FederationOptions
{
    public const string Section = "Jasmine:Federation";

    /// <summary>Base64 of 32 bytes: the seed of our Ed25519 signing key. Empty: derived from the master key.</summary>
    public string? SigningKey { get; set; }
    /// <summary>Base64 of 32 bytes: the seed of our OPRF keys (one per partner and kind). Empty: derived from the master key.</summary>
    public string? OprfSeed { get; set; }
    /// <summary>How long one call to a partner may take before screening answers without it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How often our lists are rebuilt and partners' lists fetched again.</summary>
    public TimeSpan ListRefresh { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A partner's list older than this is not used any more (its publisher stopped refreshing it).</summary>
    public TimeSpan MaxListAge { get; set; } = TimeSpan.FromDays(2);
    public List<PartnerOptions> Partners { get; set; } = [];
}

public sealed class PartnerOptions
{
    /// <summary>A short name of ours for the partner (counters, logs), e.g. <c>be-espace-p</c>.</summary>
    public string Id { get; set; } = "";
    /// <summary>ISO 3166 code of the partner's country, e.g. <c>BE</c>.</summary>
    public string Country { get; set; } = "";
    /// <summary>The country's name per language (<c>CountryNames:fr = Belgique</c>); English, then the code, when missing.</summary>
    public Dictionary<string, string> CountryNames { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Where the partner's host answers, e.g. <c>https://alert.example.be</c>. Empty: it only asks us.</summary>
    public string? BaseUrl { get; set; }
    /// <summary>Base64 of the partner's Ed25519 public key.</summary>
    public string PublicKey { get; set; } = "";
    /// <summary>
    /// Kinds of identifiers this partner may learn about from us (list and evaluations): Phone, Email, Plate; all
    /// three when not set. (A list, not a default list: configuration binding would add to a default's items.)
    /// </summary>
    public List<IdentifierKind>? Share { get; set; }

    public IReadOnlyList<IdentifierKind> SharedKinds => Share is { Count: > 0 } kinds ? kinds.Distinct().ToList() : [IdentifierKind.Phone, IdentifierKind.Email, IdentifierKind.Plate];
    /// <summary>Blinded evaluations we answer this partner per UTC day.</summary>
    public int DailyQuota { get; set; } = 500;

    public string NameIn(string language) =>
        CountryNames.TryGetValue(language, out var name) && !string.IsNullOrWhiteSpace(name) ? name
        : CountryNames.TryGetValue("en", out var en) && !string.IsNullOrWhiteSpace(en) ? en
        : Country;
}

internal static class FederationOptionsValidation
{
    public static readonly IReadOnlySet<IdentifierKind> Federable = new HashSet<IdentifierKind> { IdentifierKind.Phone, IdentifierKind.Email, IdentifierKind.Plate };

    /// <summary>Null when fine, else one line naming the setting (never its value: keys are secrets or long).</summary>
    public static string? Problem(FederationOptions o)
    {
        if (!IsKey(o.SigningKey, allowEmpty: true)) return "Jasmine:Federation:SigningKey must be base64 of 32 bytes.";
        if (!IsKey(o.OprfSeed, allowEmpty: true)) return "Jasmine:Federation:OprfSeed must be base64 of 32 bytes.";
        if (o.Timeout <= TimeSpan.Zero || o.ListRefresh <= TimeSpan.Zero || o.MaxListAge <= TimeSpan.Zero) return "Jasmine:Federation:Timeout, ListRefresh and MaxListAge must be positive.";
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < o.Partners.Count; i++)
        {
            var p = o.Partners[i];
            var at = $"Jasmine:Federation:Partners:{i}";
            if (string.IsNullOrWhiteSpace(p.Id) || !p.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || !ids.Add(p.Id)) return $"{at}:Id must be a unique short name (letters, digits, - and _).";
            if (p.Country.Length != 2 || !p.Country.All(char.IsAsciiLetter)) return $"{at}:Country must be a two-letter ISO 3166 code.";
            if (!IsKey(p.PublicKey, allowEmpty: false)) return $"{at}:PublicKey must be base64 of a 32-byte Ed25519 public key.";
            if (p.BaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))) return $"{at}:BaseUrl must be an absolute http(s) URL.";
            if (p.SharedKinds.Any(k => !Federable.Contains(k))) return $"{at}:Share may list Phone, Email and Plate only.";
            if (p.DailyQuota < 0) return $"{at}:DailyQuota cannot be negative.";
        }
        return null;
    }

    private static bool IsKey(string? value, bool allowEmpty)
    {
        if (string.IsNullOrEmpty(value)) return allowEmpty;
        var buffer = new byte[48];
        return Convert.TryFromBase64String(value, buffer, out var n) && n == 32;
    }
}

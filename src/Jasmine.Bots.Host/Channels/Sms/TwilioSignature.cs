using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c>: Base64(HMAC-SHA1(authToken, url + every key and value, sorted by key)).
/// </summary>
public static class TwilioSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);

        var data = new StringBuilder(url);
        // Ordinal, as Twilio's libraries sort; a repeated key contributes each value, in value order.
        foreach (var (key, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            data.Append(key).Append(value);

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// True when <paramref name="headerSignature"/> matches the URL configured in Twilio, or that URL with the
    /// scheme's default port added or its explicit port removed (Twilio signs either way depending on the product).
    /// The host is compared as configured: Twilio does not normalise its case, so neither do we.
    /// </summary>
    public static bool IsValid(string authToken, string configuredUrl, IEnumerable<KeyValuePair<string, string>> form, string? headerSignature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentException.ThrowIfNullOrEmpty(configuredUrl);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(headerSignature))
            return false;

        var pairs = form as IReadOnlyCollection<KeyValuePair<string, string>> ?? form.ToList();
        var expected = Encoding.ASCII.GetBytes(headerSignature);
        var valid = false;
        foreach (var url in UrlVariants(configuredUrl))
        {
            var actual = Encoding.ASCII.GetBytes(Compute(authToken, url, pairs));
            // Non-short-circuiting OR: every variant costs the same whichever one matches.
            valid |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        return valid;
    }

    public static bool IsValid(string authToken, string configuredUrl, IFormCollection form, string? headerSignature)
    {
        ArgumentNullException.ThrowIfNull(form);
        return IsValid(authToken, configuredUrl, Flatten(form), headerSignature);
    }

    internal static IEnumerable<KeyValuePair<string, string>> Flatten(IFormCollection form) =>
        form.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")));

    // String surgery rather than System.Uri, which would lower-case the host and re-escape the path and query,
    // producing a URL Twilio never signed.
    internal static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            yield break;
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
            authorityEnd = url.Length;

        var authority = url[authorityStart..authorityEnd];
        var colon = authority.LastIndexOf(':');
        // "[::1]" has colons but no port; a port is digits after the last colon, past any IPv6 bracket.
        var hasPort = colon >= 0 && colon > authority.LastIndexOf(']') && colon + 1 < authority.Length
                      && authority[(colon + 1)..].All(char.IsAsciiDigit);

        if (hasPort)
        {
            yield return url[..(authorityStart + colon)] + url[authorityEnd..];
            yield break;
        }

        var scheme = url[..schemeEnd];
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? ":443"
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? ":80"
            : null;
        if (defaultPort is not null)
            yield return url[..authorityEnd] + defaultPort + url[authorityEnd..];
    }
}

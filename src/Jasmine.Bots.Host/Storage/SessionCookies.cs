using Jasmine.Bots.Privacy;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Cookies the host signs with its own key (the try-it chat's session): a value with a keyed MAC beside it, so a page
/// can neither choose nor forge one. Only the key, not the store, is needed.
/// </summary>
public sealed class SessionCookies(FieldProtector protector)
{
    // Part of every cookie already issued: changing it starts every try-it conversation again.
    private const string TryPurpose = "try.session";

    public string SignTrySession(string id) => protector.Sign(TryPurpose, id);

    /// <summary>The id inside a cookie this host issued, or null for a missing, forged or altered one.</summary>
    public string? VerifyTrySession(string? cookie) => protector.Verify(TryPurpose, cookie);
}

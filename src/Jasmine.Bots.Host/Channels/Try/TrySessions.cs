using System.Security.Cryptography;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Channels.Try;

/// <summary>
/// Who is typing in the try-it chat: a random id issued by the server in an HttpOnly cookie, with a keyed MAC so the
/// page can neither choose nor guess somebody else's conversation (it used to send any <c>from</c> it liked).
/// </summary>
public sealed class TrySessions(SessionCookies cookies)
{
    public const string Cookie = "jasmine.try";

    /// <summary>A new conversation id: 128 random bits.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The cookie value for <paramref name="id"/>; only this host's key can make one.</summary>
    public string Issue(string id) => cookies.SignTrySession(id);

    /// <summary>The id inside a cookie the host issued, or null for a missing, forged or altered one.</summary>
    public string? Validate(string? cookie) => cookies.VerifyTrySession(cookie);

    public string? Current(HttpContext context) => Validate(context.Request.Cookies[Cookie]);

    /// <summary>Starts a fresh conversation for this browser and returns its id.</summary>
    public string Start(HttpContext context)
    {
        var id = NewId();
        context.Response.Cookies.Append(Cookie, Issue(id), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/try",
            IsEssential = true,
        });
        return id;
    }
}

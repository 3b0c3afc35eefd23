using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// SMS Gateway for Android signs each webhook (docs-web docs/features/webhooks.md, "Signature verification"):
/// <c>X-Signature</c> = hex HMAC-SHA256(signing key, raw body + <c>X-Timestamp</c>), the timestamp in Unix seconds.
/// The app writes lowercase hex; we accept either case, compared in constant time.
/// </summary>
public static class AndroidGatewaySignature
{
    public const string SignatureHeader = "X-Signature";
    public const string TimestampHeader = "X-Timestamp";

    public static string Compute(string signingKey, ReadOnlySpan<byte> body, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(timestamp);
        var stamp = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[body.Length + stamp.Length];
        body.CopyTo(message);
        stamp.CopyTo(message.AsSpan(body.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), message));
    }

    public enum Verdict { Valid, Missing, Malformed, Stale, Forged }

    /// <summary>Checks the timestamp window first (cheap), then the signature; nothing of the body is parsed.</summary>
    public static Verdict Check(string signingKey, ReadOnlySpan<byte> body, string? timestamp, string? signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return Verdict.Missing;
        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return Verdict.Malformed;
        // SHA-256 in hex is 64 characters; anything else cannot match and is not worth hashing.
        if (signature.Length != 64) return Verdict.Malformed;
        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799));
        if (age.Duration() > tolerance) return Verdict.Stale;
        var expected = Encoding.ASCII.GetBytes(Compute(signingKey, body, timestamp));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? Verdict.Valid : Verdict.Forged;
    }
}

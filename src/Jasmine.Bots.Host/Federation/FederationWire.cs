using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jasmine.Bots.Identifiers;

namespace Jasmine.Bots.Federation;

/// <summary>POST /federation/v1/evaluate: one blinded element of one kind.</summary>
public sealed record EvaluateRequest(IdentifierKind Kind, string Element);
public sealed record EvaluateResponse(string Element);

/// <summary>GET /federation/v1/list: the payload (base64 of <see cref="ListPayload"/> JSON) and the publisher's signature over its bytes.</summary>
public sealed record SignedList(string Payload, string Signature);

/// <summary>
/// A dated list of pseudonyms H(x, OPRF_k(x)) of the publisher's very dangerous identifiers, made for one partner
/// (<see cref="Audience"/>, its public key) with that partner's keys, for the kinds the publisher shares with it.
/// Sorted, so the order says nothing about when an identifier was classified.
/// </summary>
public sealed record ListPayload(int Version, string Issuer, string Audience, DateTime IssuedAt, Dictionary<IdentifierKind, List<string>> Pseudonyms);

/// <summary>
/// How partners talk. Every request is signed with the caller's Ed25519 key over its method, path, time, a nonce,
/// the callee's public key (a request made for one partner is worthless at another) and the body's SHA-256; every
/// answer is signed by the callee over the request's signature and the answer's body.
/// </summary>
public static class FederationWire
{
    public const string KeyHeader = "X-Jasmine-Federation-Key";
    public const string TimestampHeader = "X-Jasmine-Federation-Timestamp";
    public const string NonceHeader = "X-Jasmine-Federation-Nonce";
    public const string SignatureHeader = "X-Jasmine-Federation-Signature";
    public const string ListPath = "/federation/v1/list";
    public const string EvaluatePath = "/federation/v1/evaluate";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static byte[] RequestToSign(string method, string path, long timestamp, string nonce, string audience, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "JASMINE-FEDERATION-V1-REQUEST", method.ToUpperInvariant(), path,
            timestamp.ToString(CultureInfo.InvariantCulture), nonce, audience, Convert.ToBase64String(SHA256.HashData(body))));

    public static byte[] ResponseToSign(string requestSignature, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "JASMINE-FEDERATION-V1-RESPONSE", requestSignature, Convert.ToBase64String(SHA256.HashData(body))));

    /// <summary>
    /// The OPRF input of an identifier: the same person gives the same bytes in every instance. Phones are E.164,
    /// e-mails as normalised, plates carry the country whose format they were read in.
    /// </summary>
    public static byte[]? InputOf(Identifier id, string region) => id.Kind switch
    {
        IdentifierKind.Phone => Encoding.UTF8.GetBytes("tel:" + id.Value),
        IdentifierKind.Email => Encoding.UTF8.GetBytes("mailto:" + id.Value.ToLowerInvariant()),
        IdentifierKind.Plate => Encoding.UTF8.GetBytes("plate:" + region.ToUpperInvariant() + ":" + id.Value),
        _ => null,
    };

    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Jasmine.Bots.Channels.Http;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Federation;

/// <summary>
/// What partners may ask us: their list, and blinded evaluations under a daily quota. Each request is authenticated
/// first (signature by a configured partner key, fresh time, unused nonce); what we count is how many evaluations
/// each partner asked per day, never what (we could not know: the element is blinded).
/// </summary>
public sealed class FederationServer(
    FederationKeys keys,
    FederationPublisher publisher,
    JasmineStore store,
    IOptions<FederationOptions> options,
    TimeProvider time,
    ILogger<FederationServer> logger)
{
    private const long MaxBodyBytes = 4 * 1024;
    private readonly ConcurrentDictionary<string, DateTime> _nonces = new(StringComparer.Ordinal);
    private readonly Lock _quotaGate = new();

    public async Task<IResult> ListAsync(HttpContext http, CancellationToken ct)
    {
        var (partner, signature, failure) = await AuthenticateAsync(http, ct);
        if (partner is null) return failure!;
        var list = publisher.ListFor(partner);
        return Signed(http, signature!, JsonSerializer.SerializeToUtf8Bytes(list, JsonSerializerOptions.Web));
    }

    public async Task<IResult> EvaluateAsync(HttpContext http, CancellationToken ct)
    {
        var (partner, signature, failure, body) = await AuthenticateWithBodyAsync(http, ct);
        if (partner is null) return failure!;
        EvaluateRequest? request;
        try { request = JsonSerializer.Deserialize<EvaluateRequest>(body!, JsonSerializerOptions.Web); }
        catch (JsonException) { request = null; }
        if (request is null || string.IsNullOrEmpty(request.Element)) return Error(400, "The request could not be read.");
        if (!partner.SharedKinds.Contains(request.Kind)) return Error(403, "This kind of identifier is not shared with you.");
        if (!TryConsumeQuota(partner)) return Error(429, "Today's quota of evaluations is used up.");

        var element = new byte[48];
        if (!Convert.TryFromBase64String(request.Element, element, out var n) || n != Oprf.ElementBytes) return Error(400, "The element could not be read.");
        byte[] evaluated;
        try { evaluated = Oprf.BlindEvaluate(keys.OprfKey(partner.PublicKey, request.Kind), element.AsSpan(0, n)); }
        catch (OprfException) { return Error(400, "The element is not a group element."); }
        return Signed(http, signature!, JsonSerializer.SerializeToUtf8Bytes(new EvaluateResponse(Convert.ToBase64String(evaluated)), JsonSerializerOptions.Web));
    }

    private bool TryConsumeQuota(PartnerOptions partner)
    {
        var id = $"federation.evaluations:{partner.Id}:{time.GetUtcNow().UtcDateTime:yyyy-MM-dd}";
        lock (_quotaGate)
        {
            var used = store.Counters.FindById(id)?.Count ?? 0;
            if (used >= partner.DailyQuota)
            {
                logger.LogWarning("Federation: partner {Partner} is over its daily quota of {Quota} evaluations", partner.Id, partner.DailyQuota);
                return false;
            }
            store.Increment(id);
            return true;
        }
    }

    private async Task<(PartnerOptions?, string?, IResult?)> AuthenticateAsync(HttpContext http, CancellationToken ct)
    {
        var (partner, signature, failure, _) = await AuthenticateWithBodyAsync(http, ct);
        return (partner, signature, failure);
    }

    private async Task<(PartnerOptions?, string?, IResult?, byte[]?)> AuthenticateWithBodyAsync(HttpContext http, CancellationToken ct)
    {
        var h = http.Request.Headers;
        string key = h[FederationWire.KeyHeader].ToString(), stamp = h[FederationWire.TimestampHeader].ToString(),
            nonce = h[FederationWire.NonceHeader].ToString(), signature = h[FederationWire.SignatureHeader].ToString();
        var partner = options.Value.Partners.FirstOrDefault(p => string.Equals(p.PublicKey, key, StringComparison.Ordinal));
        var sig = new byte[96];
        if (partner is null || nonce.Length is 0 or > 64
            || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !Convert.TryFromBase64String(signature, sig, out var sigLength) || sigLength != 64)
            return (null, null, Unauthorized(), null);
        var now = time.GetUtcNow();
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > FederationWire.ClockSkew.TotalSeconds) return (null, null, Unauthorized(), null);

        var read = await BoundedBody.ReadBytesAsync(http.Request, MaxBodyBytes, ct);
        if (read.Status != BodyStatus.Ok) return (null, null, read.Problem(), null);
        var message = FederationWire.RequestToSign(http.Request.Method, http.Request.Path, timestamp, nonce, keys.PublicKey, read.Value);
        if (!Ed25519Key.Verify(Convert.FromBase64String(partner.PublicKey), message, sig[..64])) return (null, null, Unauthorized(), null);
        // A signed request is good once: a recorded one replayed within the clock window is refused.
        if (!_nonces.TryAdd(partner.Id + "|" + nonce, now.UtcDateTime)) return (null, null, Unauthorized(), null);
        if (_nonces.Count > 10_000)
            foreach (var (k, at) in _nonces) if (now.UtcDateTime - at > 2 * FederationWire.ClockSkew) _nonces.TryRemove(k, out _);
        return (partner, signature, null, read.Value);
    }

    private IResult Signed(HttpContext http, string requestSignature, byte[] body)
    {
        http.Response.Headers[FederationWire.SignatureHeader] = Convert.ToBase64String(keys.Signing.Sign(FederationWire.ResponseToSign(requestSignature, body)));
        return Results.Bytes(body, "application/json");
    }

    private static IResult Unauthorized() => Error(401, "The request is not signed by a partner.");

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Federation;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Federation;

/// <summary>The partner-facing endpoints of one host, asked by the test as a partner would (signing its own requests).</summary>
public sealed class FederationServerTests : IDisposable
{
    private readonly byte[] _partnerSeed = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _otherSeed = RandomNumberGenerator.GetBytes(32);
    private readonly JasmineFactory _host;
    private readonly HttpClient _http;

    public FederationServerTests()
    {
        _host = new JasmineFactory(new Dictionary<string, string?>
        {
            ["Jasmine:Federation:Partners:0:Id"] = "be",
            ["Jasmine:Federation:Partners:0:Country"] = "BE",
            ["Jasmine:Federation:Partners:0:PublicKey"] = Key(_partnerSeed),
            ["Jasmine:Federation:Partners:0:DailyQuota"] = "3",
            ["Jasmine:Federation:Partners:0:Share:0"] = "Phone",
            ["Jasmine:Federation:Partners:1:Id"] = "ie",
            ["Jasmine:Federation:Partners:1:Country"] = "IE",
            ["Jasmine:Federation:Partners:1:PublicKey"] = Key(_otherSeed),
        });
        _http = _host.CreateClient();
    }

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
    }

    private static string Key(byte[] seed) => Convert.ToBase64String(Ed25519Key.FromSeed(seed).PublicKey);
    private string HostKey => _host.Get<FederationKeys>().PublicKey;

    private HttpRequestMessage Signed(HttpMethod method, string path, byte[] body, byte[]? seed = null, long? timestamp = null, string? nonce = null, byte[]? signedBody = null)
    {
        var key = Ed25519Key.FromSeed(seed ?? _partnerSeed);
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        nonce ??= FederationWire.NewNonce();
        var signature = key.Sign(FederationWire.RequestToSign(method.Method, path, ts, nonce, HostKey, signedBody ?? body));
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        request.Headers.Add(FederationWire.KeyHeader, Convert.ToBase64String(key.PublicKey));
        request.Headers.Add(FederationWire.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(FederationWire.NonceHeader, nonce);
        request.Headers.Add(FederationWire.SignatureHeader, Convert.ToBase64String(signature));
        return request;
    }

    private static byte[] Evaluation(IdentifierKind kind, byte[] element) =>
        JsonSerializer.SerializeToUtf8Bytes(new EvaluateRequest(kind, Convert.ToBase64String(element)), JsonSerializerOptions.Web);

    private static byte[] Blinded(string input) => Oprf.Blind(Encoding.UTF8.GetBytes(input)).BlindedElement;

    private async Task<SignedList> ListAsync(byte[] seed)
    {
        using var response = await _http.SendAsync(Signed(HttpMethod.Get, FederationWire.ListPath, [], seed));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize<SignedList>(await response.Content.ReadAsByteArrayAsync(), JsonSerializerOptions.Web)!;
    }

    [Fact]
    public async Task Requests_not_signed_by_a_configured_partner_key_for_this_host_and_now_are_refused()
    {
        var body = Evaluation(IdentifierKind.Phone, Blinded("tel:+33612345678"));
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, FederationWire.EvaluatePath) { Content = new ByteArrayContent(body) };
        var stranger = RandomNumberGenerator.GetBytes(32);
        var cases = new[]
        {
            unsigned,
            Signed(HttpMethod.Post, FederationWire.EvaluatePath, body, seed: stranger),
            Signed(HttpMethod.Post, FederationWire.EvaluatePath, body, signedBody: Evaluation(IdentifierKind.Phone, Blinded("tel:+33600000000"))),
            Signed(HttpMethod.Post, FederationWire.EvaluatePath, body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds()),
            Signed(HttpMethod.Get, FederationWire.ListPath, [], seed: stranger),
        };
        foreach (var request in cases)
        {
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.False(response.Headers.Contains(FederationWire.SignatureHeader));
        }
        Assert.Null(_host.Get<JasmineStore>().Counters.FindById($"federation.evaluations:be:{DateTime.UtcNow:yyyy-MM-dd}"));
    }

    [Fact]
    public async Task A_recorded_request_replayed_is_refused()
    {
        var body = Evaluation(IdentifierKind.Phone, Blinded("tel:+33612345678"));
        var nonce = FederationWire.NewNonce();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var first = await _http.SendAsync(Signed(HttpMethod.Post, FederationWire.EvaluatePath, body, timestamp: ts, nonce: nonce));
        using var again = await _http.SendAsync(Signed(HttpMethod.Post, FederationWire.EvaluatePath, body, timestamp: ts, nonce: nonce));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task The_daily_quota_stops_a_partner_from_walking_the_number_space_and_only_the_count_is_kept()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _http.SendAsync(Signed(HttpMethod.Post, FederationWire.EvaluatePath, Evaluation(IdentifierKind.Phone, Blinded($"tel:+3361234567{i}"))));
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var store = _host.Get<JasmineStore>();
        Assert.Equal(3, store.Counters.FindById($"federation.evaluations:be:{DateTime.UtcNow:yyyy-MM-dd}")?.Count);
        // The other partner has its own budget.
        using var other = await _http.SendAsync(Signed(HttpMethod.Post, FederationWire.EvaluatePath, Evaluation(IdentifierKind.Phone, Blinded("tel:+33612345670")), seed: _otherSeed));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_kind_the_admin_does_not_share_with_a_partner_is_neither_listed_nor_evaluated()
    {
        await _host.Get<AdminCommands>().RunAsync(["classify", "0612345678", "very-dangerous"], new StringWriter(), CancellationToken.None);
        await _host.Get<AdminCommands>().RunAsync(["classify", "him@example.org", "very-dangerous"], new StringWriter(), CancellationToken.None);

        var payload = JsonSerializer.Deserialize<ListPayload>(Convert.FromBase64String((await ListAsync(_partnerSeed)).Payload), JsonSerializerOptions.Web)!;
        Assert.Equal([IdentifierKind.Phone], payload.Pseudonyms.Keys);
        Assert.Single(payload.Pseudonyms[IdentifierKind.Phone]);
        var other = JsonSerializer.Deserialize<ListPayload>(Convert.FromBase64String((await ListAsync(_otherSeed)).Payload), JsonSerializerOptions.Web)!;
        Assert.Single(other.Pseudonyms[IdentifierKind.Email]);

        using var response = await _http.SendAsync(Signed(HttpMethod.Post, FederationWire.EvaluatePath, Evaluation(IdentifierKind.Email, Blinded("mailto:him@example.org"))));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_list_is_signed_dated_made_for_one_partner_and_its_pseudonyms_need_the_hosts_key()
    {
        await _host.Get<AdminCommands>().RunAsync(["classify", "0612345678", "very-dangerous"], new StringWriter(), CancellationToken.None);
        var hostKey = Convert.FromBase64String(HostKey);
        var signed = await ListAsync(_partnerSeed);
        var payloadBytes = Convert.FromBase64String(signed.Payload);
        Assert.True(Ed25519Key.Verify(hostKey, payloadBytes, Convert.FromBase64String(signed.Signature)));
        var payload = JsonSerializer.Deserialize<ListPayload>(payloadBytes, JsonSerializerOptions.Web)!;
        Assert.Equal(Key(_partnerSeed), payload.Audience);
        Assert.Equal(HostKey, payload.Issuer);
        Assert.InRange(payload.IssuedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
        var pseudonym = Assert.Single(payload.Pseudonyms[IdentifierKind.Phone]);

        // Without the host's key a partner holding the number cannot find it in the list: plain hashes do not match ...
        var input = Encoding.UTF8.GetBytes("tel:+33612345678");
        Assert.NotEqual(Convert.ToBase64String(SHA256.HashData(input)), pseudonym);
        Assert.NotEqual(Convert.ToBase64String(SHA512.HashData(input), 0, 32), pseudonym);
        // ... and another partner's list, made with another key, says nothing about this one.
        var other = JsonSerializer.Deserialize<ListPayload>(Convert.FromBase64String((await ListAsync(_otherSeed)).Payload), JsonSerializerOptions.Web)!;
        Assert.NotEqual(pseudonym, Assert.Single(other.Pseudonyms[IdentifierKind.Phone]));

        // With one blinded evaluation (under quota) the partner computes it, and the answer is signed by the host.
        var blinded = Oprf.Blind(input);
        using var request = Signed(HttpMethod.Post, FederationWire.EvaluatePath, Evaluation(IdentifierKind.Phone, blinded.BlindedElement));
        var requestSignature = request.Headers.GetValues(FederationWire.SignatureHeader).Single();
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(Ed25519Key.Verify(hostKey, FederationWire.ResponseToSign(requestSignature, body), Convert.FromBase64String(response.Headers.GetValues(FederationWire.SignatureHeader).Single())));
        var evaluated = JsonSerializer.Deserialize<EvaluateResponse>(body, JsonSerializerOptions.Web)!;
        Assert.Equal(pseudonym, FederationPublisher.Pseudonym(Oprf.Finalize(input, blinded.Blind, Convert.FromBase64String(evaluated.Element))));
    }

    [Fact]
    public async Task An_element_that_is_not_a_group_element_gets_a_short_answer()
    {
        using var response = await _http.SendAsync(Signed(HttpMethod.Post, FederationWire.EvaluatePath, Evaluation(IdentifierKind.Phone, new byte[32])));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a group element", await response.Content.ReadAsStringAsync());
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Jasmine.Bots.Identifiers;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Federation;

/// <summary>
/// Asks partners about an identifier unknown here: it is blinded before it leaves (the partner sees a random group
/// element), the partner's evaluation is unblinded here, and the result is looked up in the partner's signed list.
/// Partners' lists are fetched by the recurring job and when missing; a list past its age is not used.
/// </summary>
public sealed class FederationClient(
    IHttpClientFactory http,
    FederationKeys keys,
    IOptions<FederationOptions> options,
    IOptions<JasmineOptions> jasmine,
    TimeProvider time,
    ILogger<FederationClient> logger)
{
    public const string HttpClientName = "federation";
    private static readonly TimeSpan RetryFetchAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(60);

    private sealed record PartnerList(DateTime IssuedAt, DateTime FetchedAt, IReadOnlyDictionary<IdentifierKind, HashSet<string>> Pseudonyms);

    private readonly ConcurrentDictionary<string, PartnerList> _lists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _lastAttempt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<PartnerList?>>> _inFlight = new(StringComparer.Ordinal);

    private IEnumerable<PartnerOptions> Askable => options.Value.Partners.Where(p => !string.IsNullOrEmpty(p.BaseUrl));

    public bool Enabled => Askable.Any();

    /// <summary>
    /// The turn is synchronous: the answer fetched before its transaction (<see cref="PrefetchAsync"/>) when there
    /// is one, else this waits for the partners, never longer than the configured timeout.
    /// </summary>
    public PartnerOptions? Lookup(Identifier id)
    {
        if (!Enabled || FederationWire.InputOf(id, jasmine.Value.DefaultRegion) is not { } wireInput) return null;
        if (_prefetched.TryRemove(PrefetchKey(id.Kind, wireInput), out var ready) && time.GetUtcNow().UtcDateTime - ready.At < PrefetchKeptFor)
            return ready.Partner;
        using var cts = new CancellationTokenSource(options.Value.Timeout);
        try { return LookupAsync(id, cts.Token).GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { return null; }
    }

    // Answers asked before a turn's transaction, for that turn: kept a minute at most, under a hash of the identifier.
    private static readonly TimeSpan PrefetchKeptFor = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (PartnerOptions? Partner, DateTime At)> _prefetched = new(StringComparer.Ordinal);

    private static string PrefetchKey(IdentifierKind kind, byte[] input) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData([.. BitConverter.GetBytes((int)kind), .. input]));

    /// <summary>Asks the partners about these identifiers now, outside any transaction, for the turn about to run.</summary>
    public async Task PrefetchAsync(IReadOnlyList<Identifier> ids, CancellationToken ct)
    {
        if (!Enabled || ids.Count == 0) return;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (key, value) in _prefetched) if (now - value.At >= PrefetchKeptFor) _prefetched.TryRemove(key, out _);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.Value.Timeout);
        await Task.WhenAll(ids.Select(async id =>
        {
            if (FederationWire.InputOf(id, jasmine.Value.DefaultRegion) is not { } input) return;
            try { _prefetched[PrefetchKey(id.Kind, input)] = (await LookupAsync(id, cts.Token), time.GetUtcNow().UtcDateTime); }
            // Out of time: the turn says what is known here, as when the partner does not answer.
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { _prefetched[PrefetchKey(id.Kind, input)] = (null, time.GetUtcNow().UtcDateTime); }
        }));
    }

    /// <summary>The first partner (in configuration order) whose list holds the identifier, else null.</summary>
    public async Task<PartnerOptions?> LookupAsync(Identifier id, CancellationToken ct)
    {
        if (FederationWire.InputOf(id, jasmine.Value.DefaultRegion) is not { } input) return null;
        var partners = Askable.ToList();
        var answers = await Task.WhenAll(partners.Select(p => AskAsync(p, id.Kind, input, ct)));
        for (var i = 0; i < partners.Count; i++) if (answers[i]) return partners[i];
        return null;
    }

    /// <summary>The recurring job: every partner's list fetched again.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await Task.WhenAll(Askable.Select(p => FetchOnceAsync(p).WaitAsync(ct)));
    }

    private async Task<bool> AskAsync(PartnerOptions partner, IdentifierKind kind, byte[] input, CancellationToken ct)
    {
        try
        {
            var list = await ListAsync(partner, ct);
            // No list, or this kind not shared with us, or nothing in it: the answer is no without spending her quota.
            if (list is null || !list.Pseudonyms.TryGetValue(kind, out var set) || set.Count == 0) return false;

            var blinded = Oprf.Blind(input);
            var body = JsonSerializer.SerializeToUtf8Bytes(new EvaluateRequest(kind, Convert.ToBase64String(blinded.BlindedElement)), JsonSerializerOptions.Web);
            var answer = await SendAsync(partner, HttpMethod.Post, FederationWire.EvaluatePath, body, ct);
            if (answer is null) return false;
            var evaluated = JsonSerializer.Deserialize<EvaluateResponse>(answer, JsonSerializerOptions.Web)?.Element;
            if (evaluated is null) return false;
            var output = Oprf.Finalize(input, blinded.Blind, Convert.FromBase64String(evaluated));
            return set.Contains(FederationPublisher.Pseudonym(output));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or FormatException or OprfException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Federation: asking partner {Partner} failed ({Error})", partner.Id, e.GetType().Name);
            return false;
        }
    }

    private async Task<PartnerList?> ListAsync(PartnerOptions partner, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        _lists.TryGetValue(partner.Id, out var list);
        var due = list is null || now - list.FetchedAt >= options.Value.ListRefresh;
        // With no list at all, every screening may try (one fetch at a time); a stale list is refreshed at most so often.
        var tried = list is not null && _lastAttempt.TryGetValue(partner.Id, out var at) && now - at < RetryFetchAfter;
        // The fetch runs on its own clock: if her screening stops waiting, the list still arrives for the next one.
        if (due && !tried) list = await FetchOnceAsync(partner).WaitAsync(ct) ?? list;
        return list is not null && now - list.IssuedAt <= options.Value.MaxListAge ? list : null;
    }

    /// <summary>One fetch per partner at a time, whoever asks (screenings, the job, the start-up refresh).</summary>
    private Task<PartnerList?> FetchOnceAsync(PartnerOptions partner)
    {
        Lazy<Task<PartnerList?>>? mine = null;
        mine = new Lazy<Task<PartnerList?>>(() => Task.Run(async () =>
        {
            try
            {
                using var cts = new CancellationTokenSource(FetchTimeout);
                return await FetchListAsync(partner, cts.Token);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("Federation: fetching the list of partner {Partner} timed out", partner.Id);
                return null;
            }
            finally { _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<PartnerList?>>>(partner.Id, mine!)); }
        }));
        return _inFlight.GetOrAdd(partner.Id, mine).Value;
    }

    private async Task<PartnerList?> FetchListAsync(PartnerOptions partner, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        _lastAttempt[partner.Id] = now;
        try
        {
            var body = await SendAsync(partner, HttpMethod.Get, FederationWire.ListPath, [], ct);
            if (body is null) return null;
            var signed = JsonSerializer.Deserialize<SignedList>(body, JsonSerializerOptions.Web);
            if (signed is null) return null;
            var payload = Convert.FromBase64String(signed.Payload);
            // The list itself is signed, not only the answer: a list is the partner's word, dated.
            if (!Ed25519Key.Verify(Convert.FromBase64String(partner.PublicKey), payload, Convert.FromBase64String(signed.Signature)))
            {
                logger.LogWarning("Federation: the list of partner {Partner} has a bad signature", partner.Id);
                return null;
            }
            var content = JsonSerializer.Deserialize<ListPayload>(payload, JsonSerializerOptions.Web);
            if (content is null || content.Version != 1 || content.Issuer != partner.PublicKey || content.Audience != keys.PublicKey
                || content.IssuedAt > now + FederationWire.ClockSkew)
            {
                logger.LogWarning("Federation: the list of partner {Partner} is not meant for us or not current", partner.Id);
                return null;
            }
            var list = new PartnerList(content.IssuedAt, now, content.Pseudonyms.ToDictionary(p => p.Key, p => p.Value.ToHashSet(StringComparer.Ordinal)));
            _lists[partner.Id] = list;
            logger.LogInformation("Federation: list of partner {Partner} fetched, {Count} pseudonyms", partner.Id, list.Pseudonyms.Values.Sum(s => s.Count));
            return list;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or FormatException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Federation: fetching the list of partner {Partner} failed ({Error})", partner.Id, e.GetType().Name);
            return null;
        }
    }

    /// <summary>A signed request; the body of a 200 answer whose signature is the partner's, else null.</summary>
    private async Task<byte[]?> SendAsync(PartnerOptions partner, HttpMethod method, string path, byte[] body, CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var nonce = FederationWire.NewNonce();
        var signature = Convert.ToBase64String(keys.Signing.Sign(FederationWire.RequestToSign(method.Method, path, timestamp, nonce, partner.PublicKey, body)));
        using var request = new HttpRequestMessage(method, new Uri(new Uri(partner.BaseUrl!), path));
        if (method != HttpMethod.Get) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        request.Headers.Add(FederationWire.KeyHeader, keys.PublicKey);
        request.Headers.Add(FederationWire.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(FederationWire.NonceHeader, nonce);
        request.Headers.Add(FederationWire.SignatureHeader, signature);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            logger.LogWarning("Federation: partner {Partner} answered {Status} to {Path}", partner.Id, (int)response.StatusCode, path);
            return null;
        }
        var answer = await response.Content.ReadAsByteArrayAsync(ct);
        var answerSignature = response.Headers.TryGetValues(FederationWire.SignatureHeader, out var values) ? values.FirstOrDefault() : null;
        if (answerSignature is null || !Ed25519Key.Verify(Convert.FromBase64String(partner.PublicKey), FederationWire.ResponseToSign(signature, answer), Convert.FromBase64String(answerSignature)))
        {
            logger.LogWarning("Federation: the answer of partner {Partner} is not signed by its key", partner.Id);
            return null;
        }
        return answer;
    }
}

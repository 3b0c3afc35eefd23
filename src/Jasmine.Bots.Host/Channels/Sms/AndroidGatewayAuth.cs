using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// How we prove who we are to SMS Gateway for Android. <c>basic</c> sends the username and password with every
/// request. <c>jwt</c> sends them only to <c>POST {base}/auth/token</c>, once an hour, asking for the scopes we
/// use and nothing more (sending, and the webhooks we register); every other request carries that short-lived
/// Bearer token, so a leaked request (a proxy's log) is worth an hour of sending at most, never the account.
/// </summary>
public sealed class AndroidGatewayAuth(IOptions<AndroidGatewayOptions> options, TimeProvider time, ILogger<AndroidGatewayAuth> logger)
{
    public static readonly IReadOnlyList<string> Scopes = ["messages:send", "messages:read", "webhooks:list", "webhooks:write"];
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? _current;

    private AndroidGatewayOptions O => options.Value;

    public AuthenticationHeaderValue Basic =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{O.Username}:{O.Password}")));

    /// <summary>The header for the next request: Basic, or a Bearer token fetched (or renewed) when needed.</summary>
    public async Task<AuthenticationHeaderValue> HeaderAsync(HttpClient http, CancellationToken ct)
    {
        if (O.Auth != AndroidGatewayOptions.AuthBasic && O.Auth != AndroidGatewayOptions.AuthJwt)
            throw new InvalidOperationException("Sms:AndroidGateway:Auth must be 'basic' or 'jwt'.");
        if (O.Auth == AndroidGatewayOptions.AuthBasic) return Basic;
        if (Valid() is { } token) return new AuthenticationHeaderValue("Bearer", token);
        await _gate.WaitAsync(ct);
        try
        {
            if (Valid() is { } fresh) return new AuthenticationHeaderValue("Bearer", fresh);
            _current = await IssueAsync(http, ct);
            return new AuthenticationHeaderValue("Bearer", _current.Value.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The gateway refused this token (revoked, or its clock disagrees): the next request asks for a new one.</summary>
    public void Refused(AuthenticationHeaderValue header)
    {
        if (header.Scheme == "Bearer" && _current is { } c && c.Token == header.Parameter) _current = null;
    }

    private string? Valid() => _current is { } c && c.ExpiresAt - time.GetUtcNow() > RenewBefore ? c.Token : null;

    private async Task<(string, DateTimeOffset)> IssueAsync(HttpClient http, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, O.ApiBaseUrl!.TrimEnd('/') + "/auth/token")
        {
            Content = JsonContent.Create(new { ttl = O.TokenTtlSeconds, scopes = Scopes }),
        };
        request.Headers.Authorization = Basic;
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            logger.LogError("Android SMS gateway refused our credentials for a token: HTTP {HttpStatus} (check Sms:AndroidGateway:Username and Password)", (int)response.StatusCode);
            throw new GatewayAuthException((int)response.StatusCode);
        }
        if (!response.IsSuccessStatusCode)
        {
            // A gateway without JWT (an older app, or a private server without a jwt secret) answers 404 or 501.
            logger.LogError("Android SMS gateway could not issue a token: HTTP {HttpStatus} (does this gateway support JWT? Else set Sms:AndroidGateway:Auth=basic)", (int)response.StatusCode);
            throw new GatewayAuthException((int)response.StatusCode);
        }
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = doc.RootElement;
        var token = root.TryGetProperty("access_token", out var t) ? t.GetString() : null;
        if (string.IsNullOrEmpty(token)) throw new GatewayAuthException((int)response.StatusCode);
        var expires = root.TryGetProperty("expires_at", out var e) && e.TryGetDateTimeOffset(out var at) ? at : time.GetUtcNow().AddSeconds(O.TokenTtlSeconds);
        logger.LogInformation("Android SMS gateway issued a token valid until {ExpiresAt:u}", expires);
        return (token, expires);
    }
}

/// <summary>The gateway would not give us a token: a configuration problem, not a network one.</summary>
public sealed class GatewayAuthException(int status) : Exception($"The Android SMS gateway refused to issue a token (HTTP {status}).")
{
    public int Status { get; } = status;
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jasmine.Bots.Sms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Jasmine.Bots.Tests.Fakes;

/// <summary>A message the fake accepted, as Twilio would have queued it.</summary>
public sealed record FakeTwilioMessage(string Sid, string AccountSid, string To, string? From, string? MessagingServiceSid, string Body, DateTimeOffset ReceivedAt);

/// <summary>An answer the fake gives instead of accepting; <paramref name="Code"/> null means no JSON error body.</summary>
public sealed record FakeTwilioFailure(int HttpStatus, int? Code = null, TimeSpan? RetryAfter = null, string? Message = null);

/// <summary>
/// Twilio's Messages REST resource on 127.0.0.1, served by a real Kestrel, so the provider is exercised through a
/// real HttpClient: Basic auth, form encoding, status codes, JSON errors and Retry-After.
/// </summary>
public sealed partial class FakeTwilioServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeTwilioFailure> _scripted = new();
    private readonly ConcurrentDictionary<string, FakeTwilioFailure> _perNumber = new(StringComparer.Ordinal);
    private readonly List<FakeTwilioMessage> _messages = [];
    private readonly Lock _gate = new();
    private int _requests;

    public string AccountSid { get; }
    public string AuthToken { get; }
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<FakeTwilioMessage> Messages
    {
        get { lock (_gate) return [.. _messages]; }
    }

    /// <summary>Every request that reached the Messages endpoint, accepted or not.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    private FakeTwilioServer(string accountSid, string authToken)
    {
        AccountSid = accountSid;
        AuthToken = authToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", HandleAsync);
    }

    public static async Task<FakeTwilioServer> StartAsync(
        string accountSid = "AC00000000000000000000000000000001", string authToken = "fake-auth-token-0123456789abcdef")
    {
        var server = new FakeTwilioServer(accountSid, authToken);
        await server._app.StartAsync();
        // Port 0 lets the OS pick a free port; the address feature reports the one actually bound.
        server.BaseUrl = server._app.Urls.Single().TrimEnd('/');
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests get this answer, whatever they contain.</summary>
    public void FailNext(int count, FakeTwilioFailure failure)
    {
        for (var i = 0; i < count; i++)
            _scripted.Enqueue(failure);
    }

    /// <summary>Every request to <paramref name="to"/> gets this answer, e.g. 21610 for a recipient who sent STOP.</summary>
    public void FailFor(string to, FakeTwilioFailure failure) => _perNumber[to] = failure;

    public static FakeTwilioFailure TooManyRequests(int retryAfterSeconds = 1) =>
        new(429, 20429, TimeSpan.FromSeconds(retryAfterSeconds), "Too Many Requests");

    public static FakeTwilioFailure Unsubscribed() => new(400, 21610, Message: "Attempt to send to unsubscribed recipient");

    public static FakeTwilioFailure ServerError() => new(500);

    private async Task<IResult> HandleAsync(HttpContext context, string sid)
    {
        Interlocked.Increment(ref _requests);

        if (!IsAuthorised(context.Request, sid))
            return Error(401, 20003, "Authenticate");

        if (_scripted.TryDequeue(out var scripted))
            return Answer(context, scripted);

        if (!context.Request.HasFormContentType)
            return Error(400, 21601, "Request must be application/x-www-form-urlencoded");
        var form = await context.Request.ReadFormAsync();
        var to = form["To"].ToString();
        var from = NullIfEmpty(form["From"].ToString());
        var service = NullIfEmpty(form["MessagingServiceSid"].ToString());
        var body = form["Body"].ToString();

        if (string.IsNullOrEmpty(to))
            return Error(400, 21604, "A 'To' phone number is required.");
        // Twilio quotes the number back in its error message; the provider must not log it.
        if (!E164().IsMatch(to))
            return Error(400, 21211, $"The 'To' number {to} is not a valid phone number.");
        if (from is null && service is null)
            return Error(400, 21603, "A 'From' phone number is required.");
        if (body.Length == 0)
            return Error(400, 21602, "Message body is required.");
        if (body.Length > 1600)
            return Error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
        if (_perNumber.TryGetValue(to, out var perNumber))
            return Answer(context, perNumber);

        var now = DateTimeOffset.UtcNow;
        var messageSid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
            _messages.Add(new FakeTwilioMessage(messageSid, sid, to, from, service, body, now));

        var date = now.ToString("r", CultureInfo.InvariantCulture);
        var uri = $"/2010-04-01/Accounts/{sid}/Messages/{messageSid}.json";
        var json = new JsonObject
        {
            ["account_sid"] = sid,
            ["api_version"] = "2010-04-01",
            ["body"] = body,
            ["date_created"] = date,
            ["date_sent"] = null,
            ["date_updated"] = date,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = from,
            ["messaging_service_sid"] = service,
            ["num_media"] = "0",
            ["num_segments"] = SmsSegments.Count(body).ToString(CultureInfo.InvariantCulture),
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = messageSid,
            ["status"] = service is null ? "queued" : "accepted",
            ["subresource_uris"] = new JsonObject { ["media"] = $"/2010-04-01/Accounts/{sid}/Messages/{messageSid}/Media.json" },
            ["to"] = to,
            ["uri"] = uri,
        };
        return Results.Text(json.ToJsonString(), "application/json", Encoding.UTF8, 201);
    }

    private bool IsAuthorised(HttpRequest request, string sid)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal) || sid != AccountSid)
            return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            return decoded == $"{AccountSid}:{AuthToken}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static IResult Answer(HttpContext context, FakeTwilioFailure failure)
    {
        if (failure.RetryAfter is { } wait)
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return failure.Code is { } code
            ? Error(failure.HttpStatus, code, failure.Message ?? "Scripted failure")
            : Results.StatusCode(failure.HttpStatus);
    }

    // Twilio's error document, as its REST API returns it.
    private static IResult Error(int status, int code, string message) =>
        Results.Text(new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
            ["status"] = status,
        }.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

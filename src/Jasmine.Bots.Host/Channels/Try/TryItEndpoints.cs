using Jasmine.Bots.Channels.Http;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Try;

public sealed record TryMessage(string? Text, TryLocation? Location = null, string? Contact = null);
public sealed record TryLocation(double Latitude, double Longitude);
public sealed record TryChoice(string Label, string Value);
public sealed record TryReply(string Text, IReadOnlyList<TryChoice> Choices);
public sealed record TryResponse(IReadOnlyList<TryReply> Replies);
public sealed record TrySession(string Address);

/// <summary>
/// The local try-it channel: the very same engine behind a tiny web chat, for trying flows without any token.
/// It is for a developer's own machine: on in Development, or when <c>Jasmine:TryIt:Enabled</c> says so.
/// </summary>
public static class TryItEndpoints
{
    /// <summary>A chat message is a few kilobytes at most; the JSON of a 10,000-character story fits easily.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static bool IsEnabled(JasmineOptions options, IHostEnvironment environment) => options.TryIt.Enabled ?? environment.IsDevelopment();

    public static IHostApplicationBuilder AddTryIt(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TrySessions>();
        builder.Services.AddSingleton<TryRateLimits>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTryIt(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<JasmineOptions>>().Value;
        if (!IsEnabled(options, app.ServiceProvider.GetRequiredService<IHostEnvironment>())) return app;
        // Loud on purpose: anyone who reaches this host can talk to the bot as a new person through it.
        app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Jasmine.TryIt")
            .LogWarning("The try-it chat is ON at /try. It is for a developer's own machine: turn it off (Jasmine:TryIt:Enabled=false) on any host others can reach.");

        app.MapGet("/try", (HttpContext http, TrySessions sessions) =>
        {
            if (sessions.Current(http) is null) sessions.Start(http);
            return Results.Content(Page.Value, "text/html; charset=utf-8");
        });
        // The page shows which address it is (a follow-up rota in development may name it); only this browser holds the cookie.
        app.MapGet("/try/session", (HttpContext http, TrySessions sessions) => Results.Ok(new TrySession(Urns.Try(sessions.Current(http) ?? sessions.Start(http)))));
        app.MapPost("/try/session", (HttpContext http, TrySessions sessions) => Results.Ok(new TrySession(Urns.Try(sessions.Start(http)))));

        // Messages the service sent on its own (warnings, case news) wait here until this browser asks.
        app.MapGet("/try/messages", (HttpContext http, TrySessions sessions, TryRateLimits limits, TryMailbox mailbox) =>
        {
            if (sessions.Current(http) is not { } id) return NoSession();
            if (!limits.TryPoll(http)) return TooMany();
            return Results.Ok(ToResponse(mailbox.Drain(id)));
        });
        app.MapPost("/try/messages", async (HttpContext http, TrySessions sessions, TryRateLimits limits, TurnProcessor turns, ChannelInbound inbound, CancellationToken ct) =>
        {
            if (sessions.Current(http) is not { } id) return NoSession();
            if (!limits.TrySend(id, http)) return TooMany();
            var body = await BoundedBody.ReadJsonAsync<TryMessage>(http.Request, MaxBodyBytes, ct);
            if (body.Status != BodyStatus.Ok) return body.Problem();
            var message = body.Value!;
            if (message.Text is null && message.Location is null && message.Contact is null)
                return Results.BadRequest(new { error = "'text' is required." });
            var location = message.Location is { } l ? GeoPoint.TryCreate(l.Latitude, l.Longitude) : null;
            var urn = Urns.Try(id);
            var input = new Inbound(message.Text ?? "", location, message.Contact);
            var replies = inbound.Intercept(urn, input) ?? (await turns.HandleAsync(urn, input, ct: ct)).Replies;
            return Results.Ok(new TryResponse(replies.Select(r => new TryReply(r.Text, r.Choices.Select(c => new TryChoice(c.Label, c.Value)).ToList())).ToList()));
        });
        return app;
    }

    private static TryResponse ToResponse(IReadOnlyList<OutboundMessage> messages) =>
        new(messages.Select(m => new TryReply(m.Text, m.Choices.Select(c => new TryChoice(c.Label, c.Value)).ToList())).ToList());

    private static IResult NoSession() =>
        Results.Json(new { error = "This chat has no session yet: reload the page." }, statusCode: StatusCodes.Status401Unauthorized);

    private static IResult TooMany() =>
        Results.Json(new { error = "That is a lot of messages in one minute: wait a moment, then send again." }, statusCode: StatusCodes.Status429TooManyRequests);

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(TryItEndpoints).Assembly.GetManifestResourceStream("Jasmine.Bots.Channels.Try.try.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}

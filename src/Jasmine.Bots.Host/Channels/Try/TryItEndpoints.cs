using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Try;

public sealed record TryMessage(string? From, string? Text, TryLocation? Location = null, string? Contact = null);
public sealed record TryLocation(double Latitude, double Longitude);
public sealed record TryChoice(string Label, string Value);
public sealed record TryReply(string Text, IReadOnlyList<TryChoice> Choices);
public sealed record TryResponse(IReadOnlyList<TryReply> Replies);

/// <summary>The local try-it channel: the very same engine behind a tiny web chat, for trying flows without any token.</summary>
public static class TryItEndpoints
{
    public static IEndpointRouteBuilder MapTryIt(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<JasmineOptions>>().Value;
        if (!options.TryIt.Enabled) return app;

        app.MapGet("/try", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        // Messages the service sent on its own (warnings, case news) wait here until the chat asks.
        app.MapGet("/try/messages", (string? from, TryMailbox mailbox) =>
            string.IsNullOrWhiteSpace(from) ? Results.BadRequest(new { error = "'from' is required." })
            : Results.Ok(new TryResponse(mailbox.Drain(from).Select(m => new TryReply(m.Text, m.Choices.Select(c => new TryChoice(c.Label, c.Value)).ToList())).ToList())));
        app.MapPost("/try/messages", async (TryMessage message, TurnProcessor turns, ChannelInbound inbound, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(message.From) || message.From.Length > 64)
                return Results.BadRequest(new { error = "'from' is required (any id up to 64 characters)." });
            if (message.Text is null && message.Location is null && message.Contact is null)
                return Results.BadRequest(new { error = "'text' is required." });
            var location = message.Location is { } l ? new GeoPoint(l.Latitude, l.Longitude) : null;
            var urn = Urns.Try(message.From);
            var input = new Inbound(message.Text ?? "", location, message.Contact);
            var replies = inbound.Intercept(urn, input) ?? (await turns.HandleAsync(urn, input, ct: ct)).Replies;
            return Results.Ok(new TryResponse(replies.Select(r => new TryReply(r.Text, r.Choices.Select(c => new TryChoice(c.Label, c.Value)).ToList())).ToList()));
        });
        return app;
    }

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(TryItEndpoints).Assembly.GetManifestResourceStream("Jasmine.Bots.Channels.Try.try.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}

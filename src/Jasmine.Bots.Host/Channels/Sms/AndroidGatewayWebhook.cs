using Jasmine.Bots.Channels.Http;
using System.Buffers;
using System.Text.Json;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// SMS Gateway for Android's webhooks (one registration per event: sms:received, sms:sent, sms:delivered,
/// sms:failed). Order: bounded read of the raw body, signature and timestamp checked on those bytes, only then
/// parsed; de-duplicated on the event <c>id</c> (the app re-sends until it gets a 2xx within 30 s, and its
/// <c>messageId</c> is derived from the content, so two identical texts share one).
/// </summary>
public static class AndroidGatewayWebhook
{
    public const string Path = "/channels/sms/android-gateway";
    /// <summary>Ledger channel name: the event ids live beside Telegram's update ids and Twilio's sids.</summary>
    public const string LedgerChannel = "sms-android";

    public static IEndpointRouteBuilder MapAndroidGatewaySms(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<AndroidGatewayOptions>>().Value;
        if (!options.IsConfigured) return app;
        app.MapPost(Path, HandleAsync).DisableAntiforgery();
        return app;
    }

    private sealed class Marker;

    private static async Task<IResult> HandleAsync(HttpContext context, IOptions<AndroidGatewayOptions> options, ChannelInbound inbound,
        InboundLedger ledger, IdentifierParser identifiers, MemberService members, OutboxDispatcher dispatcher, TimeProvider time,
        ILogger<Marker> logger, CancellationToken ct)
    {
        var o = options.Value;
        var request = context.Request;
        byte[] body;
        try
        {
            // The same bounded read as every inbound endpoint: Content-Length first, then a count of what arrives.
            var read = await BoundedBody.ReadBytesAsync(request, o.MaxWebhookBytes, ct);
            if (read.Status != BodyStatus.Ok)
            {
                logger.LogWarning("Android gateway webhook refused: body over the {Limit}-byte limit", o.MaxWebhookBytes);
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
            body = read.Value!;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogInformation("Android gateway webhook: the body could not be read ({ExceptionType})", e.GetType().Name);
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        var verdict = AndroidGatewaySignature.Check(o.SigningKey!, body, request.Headers[AndroidGatewaySignature.TimestampHeader].ToString(),
            request.Headers[AndroidGatewaySignature.SignatureHeader].ToString(), time.GetUtcNow(), o.TimestampTolerance);
        if (verdict != AndroidGatewaySignature.Verdict.Valid)
        {
            logger.LogWarning("Android gateway webhook refused: signature {Verdict}", verdict);
            return Results.StatusCode(verdict == AndroidGatewaySignature.Verdict.Missing ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden);
        }

        if (AndroidGatewayEvent.Parse(body) is not { } ev)
        {
            // Signed, so it is the phone, but not an event we can read: say so (the app retries, then gives up).
            logger.LogWarning("Android gateway webhook: signed body is not a webhook event");
            return Results.BadRequest(new { error = "not a webhook event" });
        }

        // A message's turn is de-duplicated by ChannelInbound; the other events here, on the same ledger.
        if (ev.Event == "sms:received") return await ReceivedAsync(ev, inbound, identifiers, members, logger, ct);
        if (!ledger.TryBegin(LedgerChannel, ev.Id, out var key)) return Results.Ok();
        switch (ev.Event)
        {
            case "sms:sent" or "sms:delivered" or "sms:failed":
                var state = ev.Event switch { "sms:sent" => DeliveryState.Sent, "sms:delivered" => DeliveryState.Delivered, _ => DeliveryState.Failed };
                var known = ev.MessageId is not null && dispatcher.RecordDelivery(ev.MessageId, state);
                try { ledger.Complete(key); }
                catch (AlreadyHandledException) { } // another host recorded the same report: states only move forward
                if (!known) logger.LogDebug("Android gateway {Event} for a message that is not ours (or no longer kept)", ev.Event);
                return Results.Ok();
            default:
                // system:ping and the rest: nothing to do, but a 2xx so the app does not retry.
                try { ledger.Complete(key); }
                catch (AlreadyHandledException) { }
                return Results.Ok();
        }
    }

    private static async Task<IResult> ReceivedAsync(AndroidGatewayEvent e, ChannelInbound inbound, IdentifierParser identifiers, MemberService members,
        ILogger logger, CancellationToken ct)
    {
        // Numbers may arrive without their '+' ("33612345678") or national ("0612345678"): the default region decides.
        var from = e.Sender is null ? null : identifiers.FromSharedContact(e.Sender);
        if (from is null)
        {
            // A short code or an operator's alphanumeric sender: nobody we can answer.
            logger.LogInformation("Android gateway: SMS from a sender that is not a phone number; ignored");
            return Results.Ok();
        }
        var urn = Urns.Sms(from.Value);
        switch (SmsKeywords.Classify(e.Message))
        {
            case SmsKeywordKind.OptOut:
                // No operator stands between her and us here: stopping every send is ours to do.
                members.SetUnreachable(urn, true);
                return Results.Ok();
            case SmsKeywordKind.OptIn:
                members.SetUnreachable(urn, false);
                break;
        }
        await inbound.HandleAsync(LedgerChannel, e.Id, urn, Inbound.FromText(e.Message ?? ""), ct);
        return Results.Ok();
    }
}

/// <summary>The fields we use of a webhook event; anything else the app adds is ignored.</summary>
internal sealed record AndroidGatewayEvent(string Id, string Event, string? MessageId, string? Sender, string? Message)
{
    public static AndroidGatewayEvent? Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var id = Text(root, "id");
            var kind = Text(root, "event");
            if (string.IsNullOrEmpty(id) || id.Length > 64 || string.IsNullOrEmpty(kind)) return null;
            string? messageId = null, sender = null, message = null;
            if (root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object)
            {
                messageId = Text(payload, "messageId");
                message = Text(payload, "message");
                // Newer apps send "sender" (and "recipient"); older ones "phoneNumber" for the other party.
                sender = kind == "sms:received" ? Text(payload, "sender") ?? Text(payload, "phoneNumber") : null;
            }
            return new AndroidGatewayEvent(id, kind, messageId, sender, message);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // The generated ToString would print the number and the text into any log that formats this record.
    public override string ToString() => $"AndroidGatewayEvent {{ Event = {Event} }}";
}

using Jasmine.Bots.Channels.Http;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Sms;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>
/// Sends through the SMS gateway <c>Sms:Provider</c> names: numbered choices, GSM-7 when possible, ≤ 3 segments a
/// message. The outbox sends it through a budgeted lane (one at a time, replies first, a daily budget).
/// </summary>
public sealed class SmsSender(IServiceProvider services, IOptions<SmsOptions> sms, IOptions<TwilioOptions> twilio, IOptions<AndroidGatewayOptions> android)
    : IBudgetedSender
{
    public string Scheme => "tel";

    public bool IsEnabled => sms.Value.Provider switch
    {
        SmsOptions.AndroidGateway => android.Value.IsConfigured,
        SmsOptions.Twilio => twilio.Value.IsConfigured,
        _ => false,
    };

    private ISmsProvider Provider => services.GetRequiredService<ISmsProvider>();

    public ChannelBudget Budget => Provider.Pace;
    public bool ReportsDelivery => Provider.ReportsDelivery;

    public int CostOf(OutboundMessage message) =>
        Parts(message).Skip(message.PartsSent).Sum(SmsSegments.Count);

    private static IReadOnlyList<string> Parts(OutboundMessage message) =>
        SmsSegments.Split(SmsRendering.Render(new Reply(message.Text, message.Choices), message.Language), 3);

    public async Task<SendOutcome> SendAsync(string urn, OutboundMessage message, CancellationToken ct)
    {
        var parts = Parts(message);
        var to = Urns.Path(urn);
        var ids = new List<string>();
        var provider = Provider;
        for (var i = message.PartsSent; i < parts.Count; i++)
        {
            var id = message.DeliveryRef is { } reference ? reference + "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            var result = await provider.SendAsync(to, parts[i], id, ct);
            switch (result.Status)
            {
                case SmsSendStatus.Sent:
                    if (result.ProviderId is { } sent) ids.Add(sent);
                    continue;
                case SmsSendStatus.OptedOut:
                    return new SendOutcome(SendStatus.Unreachable, Error: "opted out");
                case SmsSendStatus.BadNumber:
                    return new SendOutcome(SendStatus.Dropped, Error: $"bad number ({result.ErrorCode})");
                case SmsSendStatus.RetryLater:
                    return SendOutcome.Retry(result.RetryAfter, "retry later") with { PartsSent = i };
                default:
                    return new SendOutcome(SendStatus.Dropped, Error: $"refused ({result.ErrorCode})");
            }
        }
        return SendOutcome.Sent([.. ids]);
    }
}

public static class TwilioWebhook
{
    /// <summary>A Twilio SMS webhook is about twenty short fields (a 1,600-character body at most): 64 KiB is plenty.</summary>
    public const long MaxBodyBytes = 64 * 1024;
    private static readonly BoundedBody.FormLimits FormLimits = new(MaxFields: 128, MaxKeyLength: 128, MaxValueLength: 16 * 1024);

    public static IEndpointRouteBuilder MapTwilioSms(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value;
        // The Android gateway's webhook, when it is the provider; Twilio's otherwise.
        if (app.ServiceProvider.GetRequiredService<IOptions<SmsOptions>>().Value.Provider == SmsOptions.AndroidGateway)
            return app.MapAndroidGatewaySms();
        if (!options.IsConfigured) return app;
        app.MapPost("/channels/sms/twilio", HandleAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Twilio's webhook: signature first (403, nothing read further, when it fails), de-duplicated on MessageSid,
    /// opt-out words honoured, and replies sent through the REST API (the TwiML answer is empty).
    /// </summary>
    private static async Task<IResult> HandleAsync(HttpRequest request, IOptions<TwilioOptions> options, ChannelInbound inbound,
        IdentifierParser identifiers, MemberService members, CancellationToken ct)
    {
        var o = options.Value;
        var signature = request.Headers[TwilioSignature.HeaderName].ToString();
        // Nothing is parsed for a request that carries no signature at all, nor for a body past the limit: an
        // unsigned 25 MB form used to be read whole before the check.
        if (!request.HasFormContentType || string.IsNullOrEmpty(signature) || o.WebhookUrl is null || o.AuthToken is null)
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        var read = await BoundedBody.ReadFormAsync(request, MaxBodyBytes, FormLimits, ct);
        if (read.Status != BodyStatus.Ok) return read.Problem();
        var form = read.Value!;
        if (!TwilioSignature.IsValid(o.AuthToken, o.WebhookUrl, form, signature))
            return Results.StatusCode(StatusCodes.Status403Forbidden);

        var sms = TwilioInboundSms.FromForm(form);
        if (sms is null) return Results.Content(TwiML.Empty(), TwiML.ContentType);
        var from = identifiers.Normalize(IdentifierKind.Phone, sms.From);
        if (from is null) return Results.Content(TwiML.Empty(), TwiML.ContentType);
        var urn = Urns.Sms(from.Value);

        switch (SmsKeywords.Classify(sms.Body))
        {
            case SmsKeywordKind.OptOut:
                // Twilio has already opted her out and confirmed it; we only stop sending, and say nothing more.
                members.SetUnreachable(urn, true);
                return Results.Content(TwiML.Empty(), TwiML.ContentType);
            case SmsKeywordKind.OptIn:
                members.SetUnreachable(urn, false);
                break;
        }
        await inbound.HandleAsync("sms", sms.MessageSid, urn, Inbound.FromText(sms.Body), ct);
        return Results.Content(TwiML.Empty(), TwiML.ContentType);
    }
}

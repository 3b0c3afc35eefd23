using System.Globalization;
using System.Net;
using Jasmine.Bots.Members;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary>
/// Sends outbox messages to Telegram and translates what Telegram says into the outbox's terms. It never retries
/// by itself (the client's own retry is off): the outbox owns retries, so a crash cannot lose or double one.
/// </summary>
public sealed class TelegramSender(ITelegramBotClient bot) : IChannelSender
{
    public string Scheme => "telegram";
    /// <summary>Registered only when a token is configured.</summary>
    public bool IsEnabled => true;

    public async Task<SendOutcome> SendAsync(string urn, OutboundMessage message, CancellationToken ct)
    {
        if (!long.TryParse(Urns.Path(urn), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId))
            return new SendOutcome(SendStatus.Dropped, Error: "not a Telegram chat address");

        var ids = new List<string>();
        try
        {
            var parts = message.Text.Length > 0 ? TelegramRendering.Split(TelegramRendering.Html(message.Text)) : [];
            for (var i = 0; i < parts.Count; i++)
            {
                // Buttons go under the last part, where she reads the question.
                var keyboard = i == parts.Count - 1 ? TelegramRendering.Keyboard(message.Choices) : null;
                var sent = await bot.SendMessage(chatId, parts[i], ParseMode.Html, replyMarkup: keyboard, cancellationToken: ct);
                ids.Add(sent.Id.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (Exception e) when (Classify(e, ct) is { } outcome)
        {
            // A long text cut in parts may be resent from its first part: a repeated paragraph beats a lost one.
            return outcome;
        }

        if (message.Location is { } at)
        {
            try
            {
                var title = string.IsNullOrWhiteSpace(message.LocationTitle) ? "📍" : message.LocationTitle;
                var address = string.Create(CultureInfo.InvariantCulture, $"{at.Latitude:0.00000}, {at.Longitude:0.00000}");
                var venue = await bot.SendVenue(chatId, at.Latitude, at.Longitude, title, address, cancellationToken: ct);
                ids.Add(venue.Id.ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (ids.Count > 0 && Classify(e, ct) is not null)
            {
                // The text already carries the address: resending it for the sake of the map pin would repeat it.
            }
            catch (Exception e) when (Classify(e, ct) is { } outcome)
            {
                return outcome;
            }
        }
        if (message.DocumentBytes is { Length: > 0 } bytes)
        {
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                var doc = await bot.SendDocument(chatId, global::Telegram.Bot.Types.InputFile.FromStream(stream, message.DocumentName ?? "document.pdf"), cancellationToken: ct);
                ids.Add(doc.Id.ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (ids.Count > 0 && Classify(e, ct) is not null)
            {
                // The text already went out and says the same: a failed attachment is not worth repeating it.
            }
            catch (Exception e) when (Classify(e, ct) is { } outcome)
            {
                return outcome;
            }
        }
        return SendOutcome.Sent([.. ids]);
    }

    /// <summary>What the outbox should do after a failure; null for our own shutdown (let it propagate).</summary>
    internal static SendOutcome? Classify(Exception e, CancellationToken ct)
    {
        if (e is OperationCanceledException && ct.IsCancellationRequested) return null;
        // Telegram's descriptions may quote the text sent: only fixed words go into Error, which is logged.
        return e switch
        {
            ApiRequestException { ErrorCode: 429 } api => SendOutcome.Retry(api.Parameters?.RetryAfter is { } s ? TimeSpan.FromSeconds(s) : null, "too many requests"),
            ApiRequestException { ErrorCode: 403 } => new SendOutcome(SendStatus.Unreachable, Error: "blocked or deactivated"),
            ApiRequestException { ErrorCode: 400 } api when api.Message.Contains("chat not found", StringComparison.OrdinalIgnoreCase)
                => new SendOutcome(SendStatus.Dropped, Error: "chat not found"),
            // Any other 400 is our message being refused: sending it again would be refused again.
            ApiRequestException { ErrorCode: 400 } => new SendOutcome(SendStatus.Dropped, Error: "bad request"),
            ApiRequestException { ErrorCode: 401 or 404 } => SendOutcome.Retry(error: "token refused"),
            ApiRequestException api => SendOutcome.Retry(error: "error " + api.ErrorCode.ToString(CultureInfo.InvariantCulture)),
            RequestException { HttpStatusCode: HttpStatusCode.TooManyRequests } => SendOutcome.Retry(error: "too many requests"),
            RequestException => SendOutcome.Retry(error: "request failed"),
            HttpRequestException => SendOutcome.Retry(error: "network"),
            OperationCanceledException => SendOutcome.Retry(error: "timeout"),
            _ => null,
        };
    }
}

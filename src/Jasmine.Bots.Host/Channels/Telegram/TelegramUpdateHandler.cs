using System.Globalization;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary>
/// Turns one Telegram update into a neutral inbound message and hands it to <see cref="ChannelInbound"/>; shared by
/// the webhook and polling so both behave exactly alike. Replies go through the outbox, never from here.
/// </summary>
public sealed class TelegramUpdateHandler(ChannelInbound inbound, ITelegramBotClient bot, IEnumerable<IInboundMessageIds> messageIds, TimeProvider time, ILogger<TelegramUpdateHandler> logger)
{
    public const string Channel = "telegram";

    public async Task HandleAsync(Update update, CancellationToken ct)
    {
        if (update.CallbackQuery is { } query)
        {
            // The button spins on her screen until answered: answer it alongside the turn, whatever the turn does.
            var answering = AnswerQuietlyAsync(query.Id);
            try
            {
                if (ToInbound(query) is { } fromButton) await RunAsync(update, fromButton.ChatId, fromButton.Input, ct);
            }
            finally
            {
                await answering;
            }
            return;
        }
        if (update.Message is { } message && ToInbound(message) is { } fromMessage)
        {
            // Id only, no text; timed before the turn runs, so that a WIPE also deletes the message that asked for it,
            // and written in the turn's own transaction (a re-delivery of a message already handled adds nothing).
            var urn = Urns.Telegram(fromMessage.ChatId);
            var messageId = message.Id.ToString(CultureInfo.InvariantCulture);
            var at = time.GetUtcNow();
            var input = IsContactFile(message.Document) ? await ReadContactFileAsync(message.Document!, fromMessage.Input, ct) : fromMessage.Input;
            await RunAsync(update, fromMessage.ChatId, input, ct, () =>
            {
                foreach (var ids in messageIds) ids.Received(urn, messageId, at);
            });
        }
        // Edited messages, channel posts, group traffic, other bots: nothing to say, nothing to keep.
    }

    private Task RunAsync(Update update, long chatId, Inbound input, CancellationToken ct, Action? alsoInTurn = null) =>
        inbound.HandleAsync(Channel, update.Id.ToString(CultureInfo.InvariantCulture), Urns.Telegram(chatId), input, ct, alsoInTurn);

    internal static (long ChatId, Inbound Input)? ToInbound(Message message)
    {
        if (message.Chat.Type != ChatType.Private || message.From is null || message.From.IsBot) return null;
        if (message.Contact is { } contact)
            // The card's other numbers and e-mails (never its name) are screened with it, one line each.
            return (message.Chat.Id, new Inbound(string.Join('\n', Screening.VCard.Values(contact.Vcard)), ContactPhone: contact.PhoneNumber));
        if (message.Location is { } at)
            return (message.Chat.Id, new Inbound("", GeoPoint.TryCreate(at.Latitude, at.Longitude)));
        // A photo's caption may hold the number she wants checked; a bare sticker still deserves the short help.
        return (message.Chat.Id, new Inbound(message.Text ?? message.Caption ?? ""));
    }

    /// <summary>Contact cards shared as a file (.vcf, text/vcard): what her phone's contacts app sends when she shares several.</summary>
    internal static bool IsContactFile(Document? document) =>
        document is not null
        && (document.MimeType is "text/vcard" or "text/x-vcard" or "text/directory"
            || document.FileName?.EndsWith(".vcf", StringComparison.OrdinalIgnoreCase) == true)
        && document.FileSize is null or <= MaxContactFileBytes;

    /// <summary>Larger than any card file a person shares by hand: anything bigger is not read.</summary>
    public const long MaxContactFileBytes = 1024 * 1024;

    /// <summary>
    /// Fetches the file (getFile, then the file URL) and screens its numbers and e-mails, one line each, as for a
    /// shared contact; names are never read. A failed download throws, so the webhook answers 500 and Telegram
    /// delivers the update again: her card is read later rather than lost.
    /// </summary>
    private async Task<Inbound> ReadContactFileAsync(Document document, Inbound caption, CancellationToken ct)
    {
        using var content = new MemoryStream();
        await bot.GetInfoAndDownloadFile(document.FileId, content, ct);
        var length = (int)Math.Min(content.Length, Screening.VCard.MaxChars * 4L);
        var text = System.Text.Encoding.UTF8.GetString(content.GetBuffer(), 0, length);
        var values = Screening.VCard.Values(text);
        logger.LogInformation("Read a contact file: {Values} number(s) or e-mail(s)", values.Count);
        // A file with no number in it: her caption (or the short help) answers, as for any other document.
        return values.Count == 0 ? caption : new Inbound(string.Join('\n', values));
    }

    internal static (long ChatId, Inbound Input)? ToInbound(CallbackQuery query)
    {
        if (query.From.IsBot || query.Data is null) return null;
        // In a private chat the chat id is her user id; a button under a group message is not for us.
        if (query.Message is { } under && under.Chat.Type != ChatType.Private) return null;
        return (query.Message?.Chat.Id ?? query.From.Id, new Inbound(query.Data));
    }

    private async Task AnswerQuietlyAsync(string callbackQueryId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await bot.AnswerCallbackQuery(callbackQueryId, cancellationToken: timeout.Token);
        }
        catch (Exception e)
        {
            // A re-delivered or old query is refused by Telegram; the spinner then stops by itself.
            logger.LogDebug("answerCallbackQuery failed with {ExceptionType}", e.GetType().Name);
        }
    }
}

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
            await RunAsync(update, fromMessage.ChatId, fromMessage.Input, ct, () =>
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

using System.Text.Json;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary><c>POST /channels/telegram</c>: authenticate, parse, run the turn (replies go to the outbox), answer 200.</summary>
public static class TelegramWebhook
{
    public const string Path = "/channels/telegram";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    /// <summary>Updates are a few kilobytes; anything far bigger is not from Telegram.</summary>
    private const long MaxBodyBytes = 1 << 20;

    internal static async Task<IResult> HandleAsync(HttpContext context, TelegramSecret secret, TelegramUpdateHandler handler, CancellationToken ct)
    {
        // First, before reading a byte of the body: a forged request costs us nothing.
        if (!secret.Matches(context.Request.Headers[SecretHeader].ToString())) return Results.Unauthorized();
        if (context.Request.ContentLength > MaxBodyBytes) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);

        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(context.Request.Body, JsonBotAPI.Options, ct);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        if (update is null) return Results.BadRequest();

        // An exception here becomes a 500: Telegram then re-delivers, and the ledger lets the retry run.
        await handler.HandleAsync(update, ct);
        return Results.Ok();
    }
}

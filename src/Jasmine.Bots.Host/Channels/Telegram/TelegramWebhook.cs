using Jasmine.Bots.Channels.Http;
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

    internal static async Task<IResult> HandleAsync(HttpContext context, TelegramSecret secret, TelegramUpdateHandler handler, ILogger<TelegramUpdateHandler> logger, CancellationToken ct)
    {
        // First, before reading a byte of the body: a forged request costs us nothing.
        if (!secret.Matches(context.Request.Headers[SecretHeader].ToString())) return Results.Unauthorized();
        // Counted as it arrives, not only by Content-Length: a chunked body has none.
        var read = await BoundedBody.ReadJsonAsync<Update>(context.Request, MaxBodyBytes, ct, JsonBotAPI.Options);
        if (read.Status != BodyStatus.Ok) return read.Problem();
        var update = read.Value!;

        try
        {
            await handler.HandleAsync(update, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A 500 makes Telegram re-deliver, and the ledger lets the retry run. Only the type is logged: the
            // framework's own unhandled-exception log would print a message that may quote what she wrote.
            logger.LogError("Telegram update failed with {ExceptionType}", e.GetType().Name);
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }
        return Results.Ok();
    }
}

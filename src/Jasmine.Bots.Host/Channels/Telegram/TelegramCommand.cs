using Jasmine.Bots.Admin;
using Jasmine.Bots.Localization;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary>
/// <c>telegram set-webhook|delete-webhook|set-commands|set-profile</c>: what BotFather cannot do for us, in every
/// language of the service. Prints what was done, never the token.
/// </summary>
public sealed class TelegramCommand(IServiceProvider services, IOptions<TelegramOptions> options, TelegramSecret secret, Locales locales) : IAdminCommand
{
    /// <summary>The slash commands offered in Telegram's menu, each described by <c>telegram.command.NAME</c>.</summary>
    public static readonly IReadOnlyList<string> Commands = ["start", "menu", "report", "help", "language", "cancel", "erase", "invite"];
    private static readonly int[] AllowedPorts = [443, 80, 88, 8443];

    public string Name => "telegram";
    public string Usage => "telegram set-webhook <public-url> | delete-webhook | set-commands | set-profile";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        if (args.Count == 0) throw new UsageException("A subcommand is required.");
        var expected = args[0] == "set-webhook" ? 2 : 1;
        if (args.Count != expected) throw new UsageException(args[0] == "set-webhook" ? "set-webhook needs exactly one public URL." : $"'{args[0]}' takes no argument.");
        if (args[0] is not ("set-webhook" or "delete-webhook" or "set-commands" or "set-profile")) throw new UsageException($"Unknown subcommand '{args[0]}'.");
        if (!options.Value.IsConfigured || services.GetService<ITelegramBotClient>() is not { } bot)
            throw new UsageException("Telegram is not configured: set Telegram:BotToken (user-secrets or the Telegram__BotToken environment variable).");

        switch (args[0])
        {
            case "set-webhook":
                var url = WebhookUrl(args[1]);
                await bot.SetWebhook(url.AbsoluteUri, allowedUpdates: TelegramPolling.AllowedUpdates, secretToken: secret.Value, cancellationToken: ct);
                await output.WriteLineAsync($"Webhook set to {url.AbsoluteUri} (updates: message, callback_query; secret token sent).");
                await SetCommandsAsync(bot, output, ct);
                await SetProfileAsync(bot, output, ct);
                if (options.Value.IsPolling) await output.WriteLineAsync("Note: Telegram:Mode is 'polling'; the poller removes the webhook when the host starts.");
                break;
            case "delete-webhook":
                await bot.DeleteWebhook(cancellationToken: ct);
                await output.WriteLineAsync("Webhook deleted (Telegram keeps pending updates for polling or a new webhook).");
                break;
            case "set-commands":
                await SetCommandsAsync(bot, output, ct);
                break;
            case "set-profile":
                await SetProfileAsync(bot, output, ct);
                break;
        }
        return 0;
    }

    /// <summary>A base URL gets our path appended; Telegram only calls HTTPS on ports 443, 80, 88 and 8443.</summary>
    internal static Uri WebhookUrl(string raw)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            throw new UsageException("The webhook URL must be an absolute https:// URL.");
        if (!AllowedPorts.Contains(url.Port))
            throw new UsageException("Telegram only delivers webhooks to ports 443, 80, 88 and 8443.");
        if (url.AbsolutePath is "" or "/") url = new Uri(url, TelegramWebhook.Path);
        return url;
    }

    private async Task SetCommandsAsync(ITelegramBotClient bot, TextWriter output, CancellationToken ct)
    {
        // The list without a language is what clients in any other language see: French, the base language.
        await bot.SetMyCommands(CommandsIn(Locales.BaseLanguage), cancellationToken: ct);
        foreach (var language in Locales.Supported)
            await bot.SetMyCommands(CommandsIn(language), languageCode: language, cancellationToken: ct);
        await output.WriteLineAsync($"Commands set ({Commands.Count}) for {Locales.Supported.Count} languages and the default (French): {string.Join(' ', Locales.Supported)}.");
    }

    private IEnumerable<BotCommand> CommandsIn(string language) =>
        Commands.Select(c => new BotCommand(c, locales[language].Get("telegram.command." + c)));

    private async Task SetProfileAsync(ITelegramBotClient bot, TextWriter output, CancellationToken ct)
    {
        foreach (var language in Locales.Supported.Prepend(null))
        {
            var texts = locales[language ?? Locales.BaseLanguage];
            await bot.SetMyName(texts.Get("bot.name"), language, ct);
            await bot.SetMyDescription(texts.Get("bot.description"), language, ct);
            await bot.SetMyShortDescription(texts.Get("bot.short_description"), language, ct);
        }
        await output.WriteLineAsync($"Profile (name, description, short description) set for {Locales.Supported.Count} languages and the default (French).");
    }
}

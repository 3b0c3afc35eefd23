using Jasmine.Bots.Admin;
using Jasmine.Bots.Channels.Outbox;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Sms;

/// <summary><c>sms status</c> (today's budget and what waits) and <c>sms register-webhooks</c> (Android gateway set-up).</summary>
public sealed class SmsCommand(IServiceProvider services, IOptions<SmsOptions> sms, IOptions<AndroidGatewayOptions> android, OutboxDispatcher dispatcher) : IAdminCommand
{
    public string Name => "sms";
    public string Usage => "sms status | register-webhooks <public-url>   (register-webhooks: Android gateway only)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        switch (args.FirstOrDefault())
        {
            case "status" when args.Count == 1:
                await output.WriteLineAsync($"provider: {sms.Value.Provider}");
                foreach (var line in StatusLines(dispatcher)) await output.WriteLineAsync(line);
                return 0;
            case "register-webhooks" when args.Count == 2:
                if (sms.Value.Provider != SmsOptions.AndroidGateway || !android.Value.IsConfigured)
                    throw new UsageException("The Android gateway is not the configured SMS provider (Sms:Provider=android-gateway and Sms:AndroidGateway:*).");
                if (!Uri.TryCreate(args[1], UriKind.Absolute, out var root) || (root.Scheme != Uri.UriSchemeHttps && root.Scheme != Uri.UriSchemeHttp))
                    throw new UsageException("register-webhooks needs the host's public URL, e.g. https://bots.example.org");
                var url = new Uri(root, AndroidGatewayWebhook.Path);
                var added = await services.GetRequiredService<AndroidGatewaySmsProvider>().RegisterWebhooksAsync(url, ct);
                await output.WriteLineAsync(added.Count == 0
                    ? $"Webhooks already registered for {url.AbsoluteUri}."
                    : $"Registered {string.Join(", ", added)} for {url.AbsoluteUri}. Set the same signing key in the app (Settings → Webhooks) and in Sms:AndroidGateway:SigningKey.");
                return 0;
            default:
                throw new UsageException("Unknown or incomplete sms command.");
        }
    }

    /// <summary>What the SMS lane has spent today and what waits in it, and why (also shown by <c>warnings status</c>).</summary>
    public static IEnumerable<string> StatusLines(OutboxDispatcher dispatcher)
    {
        if (dispatcher.Lane("tel") is not { } lane)
        {
            yield return "sms: not configured";
            yield break;
        }
        var budget = lane.Budget.PerDay > 0
            ? $"{lane.Spent} of {lane.Budget.PerDay} SMS sent today ({lane.Day}, Paris time), {lane.Budget.ReservedForReplies} kept for replies"
            : $"{lane.Spent} SMS sent today ({lane.Day}, Paris time), no daily budget";
        yield return $"sms: {budget}; pace {lane.Budget.PerSecond:0.##}/s";
        yield return $"sms: {lane.RepliesWaiting} replies and {lane.ProactiveWaiting} warnings/notices waiting: {lane.Waiting}";
    }
}

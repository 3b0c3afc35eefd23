using System.Globalization;
using System.Security.Cryptography;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Identifiers;

namespace Jasmine.Bots.Members;

/// <summary>
/// Linking another channel to her account (her SMS number while she talks on Telegram, say): a code goes to the
/// other address and she types it back here, which proves she holds both. The address is stored like every
/// address: keyed hash plus encrypted value.
/// </summary>
public sealed class LinkFeature(MemberService members, IdentifierParser identifiers, Channels.Outbox.Outbox outbox, TimeProvider time, IEnumerable<IChannelSender> senders) : IFlowFeature
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);
    private const int MaxAttempts = 3;

    public void Register(FlowRegistry r)
    {
        r.Choices("link-channels", ctx => senders.Where(s => s.IsEnabled && s.Scheme is "tel" or "signal")
            .Select(s => ctx.Choice(s.Scheme == "tel" ? "link.sms" : "link.signal", s.Scheme)).ToList());
        r.Action("link.available", ctx => senders.Any(s => s.IsEnabled && s.Scheme is "tel" or "signal") ? "ok" : Say(ctx, "link.unavailable", "none"));
        r.Action("link.send-code", SendCode);
        r.Action("link.check-code", CheckCode);
        r.Parser("link-number", ctx => identifiers.Normalize(IdentifierKind.Phone, ctx.Input.Text) is { } p ? ParseResult.Success(p.Value) : ParseResult.Fail("link.number_invalid"));
    }

    private static string Say(TurnContext ctx, string key, string outcome)
    {
        ctx.Say(key);
        return outcome;
    }

    private string SendCode(TurnContext ctx)
    {
        var scheme = ctx.State.Get("link_scheme") ?? "tel";
        var number = ctx.State.Get("link_number") ?? "";
        var urn = scheme + ":" + number;
        if (urn == ctx.Address) return Say(ctx, "link.same", "retry");
        if (members.Address(urn) is not null) return Say(ctx, "link.taken", "taken");
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        // Only a hash of the code is kept, in her (encrypted) conversation state.
        ctx.State.Set("link_code", Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(urn + ":" + code))));
        ctx.State.Set("link_expires", ctx.Now.Add(CodeLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        ctx.State.Set("link_attempts", "0");
        // The code message names nothing but Jasmine: whoever sees that phone learns nothing.
        outbox.Send(urn, [new OutboundMessage(ctx.Text("link.code_message", new Dictionary<string, string> { ["code"] = code }), [], ctx.State.Language) { Kind = OutboundKind.Proactive }]);
        return "sent";
    }

    private string CheckCode(TurnContext ctx)
    {
        var urn = ctx.State.Get("link_scheme") + ":" + ctx.State.Get("link_number");
        var expires = long.Parse(ctx.State.Get("link_expires") ?? "0", CultureInfo.InvariantCulture);
        var attempts = int.Parse(ctx.State.Get("link_attempts") ?? "0", CultureInfo.InvariantCulture) + 1;
        ctx.State.Set("link_attempts", attempts.ToString(CultureInfo.InvariantCulture));
        if (ctx.Now.ToUnixTimeSeconds() > expires) return Say(ctx, "link.expired", "failed");
        var typed = new string(ctx.Input.Text.Where(char.IsAsciiDigit).ToArray());
        var expected = ctx.State.Get("link_code") ?? "";
        var actual = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(urn + ":" + typed)));
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(actual)))
            return attempts >= MaxAttempts ? Say(ctx, "link.too_many", "failed") : Say(ctx, "link.wrong_code", "retry");
        if (ctx.MemberId is null || members.Address(urn) is not null) return Say(ctx, "link.taken", "failed");
        members.LinkAddress(ctx.MemberId, urn, time.GetUtcNow().UtcDateTime);
        foreach (var v in new[] { "link_code", "link_expires", "link_attempts", "link_number", "link_scheme" }) ctx.State.Remove(v);
        return "linked";
    }
}

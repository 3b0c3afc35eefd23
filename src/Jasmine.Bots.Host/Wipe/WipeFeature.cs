using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;

namespace Jasmine.Bots.Wipe;

/// <summary>Flow actions of <c>conversations/wipe.yaml</c>, and the privacy line and Signal question of the join flow.</summary>
public sealed class WipeFeature(WipeService wipes, MemberService members) : IFlowFeature
{
    public void Register(FlowRegistry r)
    {
        r.Action("wipe.now", ctx => Wipe(ctx, TimeSpan.Zero, Urns.Scheme(ctx.Address) == "signal" ? "wipe.done_signal" : "wipe.done"));
        r.Action("wipe.later", ctx => Wipe(ctx, WipeService.LaterDelay, "wipe.later_done"));
        r.Action("wipe.privacy", Privacy);
        r.Action("wipe.is-signal", ctx => Urns.Scheme(ctx.Address) == "signal" ? "signal" : "other");
        r.Action("wipe.remember-consent", RememberConsent);
        r.Action("wipe.forget-consent", ForgetConsent);
    }

    private string Wipe(TurnContext ctx, TimeSpan delay, string confirmation)
    {
        if (Urns.Scheme(ctx.Address) == "tel")
        {
            // Texts stay on her phone whatever we do: say so, and how to delete the thread herself.
            ctx.Say("wipe.sms");
            return "sms";
        }
        wipes.Request(ctx.Address, delay);
        ctx.Say(confirmation);
        return "ok";
    }

    /// <summary>Who can read this chat, for the channel she is on (said just before the consent question).</summary>
    private static string Privacy(TurnContext ctx)
    {
        var key = Urns.Scheme(ctx.Address) switch
        {
            "telegram" => "join.privacy.telegram",
            "signal" => "join.privacy.signal",
            "tel" => "join.privacy.sms",
            _ => "join.privacy.try",
        };
        ctx.Say(key);
        return "ok";
    }

    /// <summary>Runs after join.complete: nothing of the join is stored before she is a member.</summary>
    private string RememberConsent(TurnContext ctx)
    {
        if (ctx.MemberId is not null && ctx.State.Get("disappearing") == "yes") wipes.RememberDisappearingConsent(ctx.Address);
        ctx.State.Remove("disappearing");
        return "ok";
    }

    /// <summary>Erasing her account forgets her Signal choice on every address she had.</summary>
    private string ForgetConsent(TurnContext ctx)
    {
        wipes.ForgetConsent(ctx.Address);
        if (ctx.MemberId is { } id) foreach (var (_, urn) in members.Addresses(id).ToList()) wipes.ForgetConsent(urn);
        return "ok";
    }
}

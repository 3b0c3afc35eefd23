using System.Globalization;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Safety;

/// <summary>
/// The actions of <c>conversations/checkin.yaml</c> and of the check-in words in settings. What she leaves waits in
/// the (encrypted) conversation state until the last question, then goes to the check-in store and leaves the state.
/// </summary>
public sealed class CheckInFeature(CheckInService service, CheckInStore store, IOptions<CheckInOptions> options) : IFlowFeature
{
    private static readonly string[] Vars = ["checkin_minutes", "checkin_client", "checkin_place"];

    public void Register(FlowRegistry r)
    {
        r.Action("checkin.begin", Begin, "open", "minutes", "ask");
        r.Action("checkin.set-minutes", SetMinutes, "menu", "ok");
        r.Action("checkin.set-client", ctx => Keep(ctx, "checkin_client"), "ok");
        r.Action("checkin.set-place", ctx => Keep(ctx, "checkin_place"), "ok");
        r.Action("checkin.start", Start, "ok");
        r.Action("checkin.close-open", CloseOpen, "menu", "ok");
        r.Action("checkin.set-ok-word", ctx => SetWord(ctx, duress: false), "ok");
        r.Action("checkin.set-duress-word", ctx => SetWord(ctx, duress: true), "ok");
        r.Action("checkin.erase", ctx => { if (ctx.MemberId is { } id) store.Erase(id); return "ok"; }, "ok");
        r.Parser("checkin-minutes", ParseMinutes);
    }

    /// <summary>"CHECKIN 60", "checkin 1h30", "check-in 45 min": the minutes come with the word, or are asked.</summary>
    private string Begin(TurnContext ctx)
    {
        foreach (var v in Vars) ctx.State.Remove(v);
        if (ctx.MemberId is { } id && store.OpenFor(id) is { } open)
        {
            ctx.Args["until"] = ParisClock(open.DueAt);
            return "open";
        }
        if (Minutes(ctx.Input.Text) is { } m)
        {
            ctx.State.Set("checkin_minutes", m.ToString(CultureInfo.InvariantCulture));
            return "minutes";
        }
        return "ask";
    }

    private int? Minutes(string text)
    {
        var numbers = LocalNumbers.All(text);
        if (numbers.Count == 0) return null;
        // "1h30" and "2 h": hours, then minutes.
        var folded = TextFolding.Fold(text);
        var total = folded.Contains('h') && numbers[0] <= 12 ? numbers[0] * 60 + (numbers.Count > 1 ? numbers[1] : 0) : numbers[0];
        return total >= 5 && total <= options.Value.MaxMinutes ? total : null;
    }

    private ParseResult ParseMinutes(TurnContext ctx) =>
        Minutes(ctx.Input.Text) is { } m ? ParseResult.Success(m.ToString(CultureInfo.InvariantCulture)) : ParseResult.Fail("checkin.minutes_invalid");

    private static string SetMinutes(TurnContext ctx)
    {
        var answer = ctx.Answer.FirstOrDefault() ?? "";
        if (answer == "menu") return "menu";
        ctx.State.Set("checkin_minutes", answer);
        return "ok";
    }

    private static string Keep(TurnContext ctx, string var)
    {
        var answer = ctx.Answer.FirstOrDefault()?.Trim() ?? "";
        if (answer is "" or "skip") ctx.State.Remove(var);
        else ctx.State.Set(var, answer);
        return "ok";
    }

    private string Start(TurnContext ctx)
    {
        if (ctx.MemberId is not { } id) return "ok";
        var minutes = int.TryParse(ctx.State.Get("checkin_minutes"), CultureInfo.InvariantCulture, out var m) ? m : 60;
        var contact = ctx.Answer.FirstOrDefault()?.Trim() switch
        {
            null or "" or "skip" => null,
            "here" => CheckInService.ContactHere,
            var other => other,
        };
        var checkin = service.Start(id, minutes, ctx.State.Get("checkin_client"), ctx.State.Get("checkin_place"), contact);
        foreach (var v in Vars) ctx.State.Remove(v);
        ctx.Say("checkin.started", new Dictionary<string, string> { ["until"] = ParisClock(checkin.DueAt) });
        return "ok";
    }

    private string CloseOpen(TurnContext ctx)
    {
        if ((ctx.Answer.FirstOrDefault() ?? "") == "menu") return "menu";
        if (ctx.MemberId is { } id && store.OpenFor(id) is { } open) service.Close(open, CheckInService.Answer.Ok);
        ctx.Say("checkin.closed");
        return "ok";
    }

    private string SetWord(TurnContext ctx, bool duress)
    {
        if (ctx.MemberId is not { } id) return "ok";
        var answer = ctx.Answer.FirstOrDefault()?.Trim() ?? "";
        var word = answer is "" or "none" or "default" ? null : answer;
        store.SetWords(id, duress ? null : word, duress ? word : null, setOk: !duress, setDuress: duress);
        return "ok";
    }

    private static string ParisClock(DateTime utc) =>
        Help.ServicesFeature.ParisNow(new DateTimeOffset(utc, TimeSpan.Zero)).ToString("HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>
/// Her answer to "All good?" (or an OK sent before it came), read before the flows: it must work whatever flow she is
/// in. The duress word gets exactly the reply OK gets; only the on-call staff learn the difference.
/// </summary>
public sealed class CheckInReplies(CheckInService service, Members.MemberService members, Locales locales) : ITurnInterceptor
{
    public IReadOnlyList<Reply>? TryHandle(string urn, Inbound input, ConversationState state)
    {
        if (input.Text.Length is 0 or > 64 || members.FindByAddress(urn) is not { } member) return null;
        if (service.Recognise(member.Id, input.Text) is not { } found) return null;
        service.Close(found.CheckIn, found.Answer);
        return [new Reply(locales[member.Language].Get("checkin.closed"))];
    }
}

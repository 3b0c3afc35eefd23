using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.FollowUp;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;

namespace Jasmine.Bots.Alerts;

/// <summary>Flow actions for discreet notices, the watchlist, replies to the team, and her alert settings.</summary>
public sealed class AlertsFeature(Notifier notifier, WarningsService warnings, CaseService cases, MemberService members, AlertAreas areas) : IFlowFeature
{
    public void Register(FlowRegistry r)
    {
        r.Action("notice.show", ShowNotice);
        r.Action("notice.pick", PickFromNotice);
        r.Choices("notice-choices", ctx => ctx.State.GetAll("notice_values").Zip(ctx.State.GetAll("notice_labels"), (v, l) => new Choice(l, v)).ToList());
        r.Action("watch.add", ctx =>
        {
            var ids = ctx.State.GetAll("screened").Select(BotFlowHost.Decode).OfType<Identifier>().ToList();
            if (ctx.MemberId is null || ids.Count == 0) return "none";
            warnings.Watch(ctx.MemberId, ids);
            ctx.Say("watch.added");
            return "ok";
        });
        r.Action("relay.send", ctx =>
        {
            var reference = ctx.State.Get("reference");
            var text = ctx.Answer.FirstOrDefault() ?? "";
            if (ctx.MemberId is null || reference is null || !cases.RelayFromVictim(ctx.MemberId, reference, text)) { ctx.Say("relay.closed"); return "failed"; }
            ctx.Say("relay.sent");
            return "ok";
        });
        r.Action("settings.warnings", ctx => ctx.Answer.FirstOrDefault() == "areas" ? "areas" : Update(ctx, m => m.Warnings = ctx.Answer.FirstOrDefault() switch
        {
            "france" => WarningScope.France,
            "none" => WarningScope.None,
            _ => WarningScope.Departement,
        }), "areas", "none", "ok");
        r.Action("settings.areas", SetAreas, "here", "none", "ok");
        r.Action("settings.areas-here", SetHere, "none", "ok");
        r.Parser("alert-areas", ParseAreas);
        r.Action("settings.mode", ctx => Update(ctx, m => m.Discreet = ctx.Answer.FirstOrDefault() != "direct"));
        r.Action("settings.quiet", ctx => Update(ctx, m => m.QuietNights = ctx.Answer.FirstOrDefault() == "night"));
        r.Action("settings.describe", Describe);
    }

    private string ShowNotice(TurnContext ctx)
    {
        var token = ctx.State.Get("token");
        var replies = notifier.Reveal(ctx.Address, token);
        if (replies.Count == 0 && token is not null) replies = notifier.Reveal(ctx.Address, null);
        if (replies.Count == 0) { ctx.Say("notice.none"); return "none"; }
        var choices = replies.SelectMany(r => r.Choices).DistinctBy(c => c.Value).ToList();
        foreach (var reply in replies) ctx.Add(reply with { Choices = [] });
        // Shown in the middle of something else (her report): with nothing to answer but "wipe" (WIPE works any time),
        // she goes straight back to her question rather than waiting on a choice.
        if (ctx.State.Stack.Count > 0 && choices.All(c => c.Value == "wipe")) return "shown";
        if (choices.Count == 0) return "shown";
        // The flow's next step asks with these choices (the texts and the question go out as one message).
        ctx.State.SetAll("notice_values", choices.Select(c => c.Value));
        ctx.State.SetAll("notice_labels", choices.Select(c => c.Label));
        return "choose";
    }

    /// <summary>
    /// A revealed notice may offer choices (Reply to the team…): without buttons (SMS, Signal) she answers with a
    /// number, so the conversation waits on them — and anything else she types is handled as usual.
    /// </summary>
    internal static bool AwaitChoice(ConversationState state, Reply reply)
    {
        if (reply.Choices.Count == 0) return false;
        // What she was doing (her report) waits underneath and comes back once the notice's choice is made.
        if (state.InFlow && state.Flow != "notice") state.Stack.Add(state.Frame());
        state.Reset();
        state.Flow = "notice";
        state.FlowVersion = 1;
        state.Step = "pick";
        state.SetAll("notice_values", reply.Choices.Select(c => c.Value));
        state.SetAll("notice_labels", reply.Choices.Select(c => c.Label));
        return true;
    }

    private static string PickFromNotice(TurnContext ctx)
    {
        var value = ctx.Answer.FirstOrDefault() ?? "";
        if (value.StartsWith("relay:", StringComparison.Ordinal))
        {
            ctx.State.Reset();
            ctx.State.Set("reference", value["relay:".Length..]);
            return "relay";
        }
        ctx.State.Reset();
        return value == "wipe" ? "wipe" : "other";
    }

    private string Update(TurnContext ctx, Action<Storage.MemberDoc> change)
    {
        if (ctx.MemberId is null || members.Find(ctx.MemberId) is not { } member) return "none";
        change(member);
        members.Update(member);
        return "ok";
    }

    /// <summary>"13 06", "13, 06 et 83", "2A": up to three départements.</summary>
    private static ParseResult ParseAreas(TurnContext ctx)
    {
        var found = System.Text.RegularExpressions.Regex.Split(ctx.Input.Text, @"[^\p{L}\p{N}]+")
            .Where(t => t.Length > 0).Select(Departements.Parse).OfType<string>().Distinct().ToList();
        return found.Count is > 0 and <= AlertAreas.Max ? ParseResult.Success(found) : ParseResult.Fail("settings.areas_invalid");
    }

    private string SetAreas(TurnContext ctx)
    {
        if (ctx.MemberId is not { } id) return "none";
        switch (ctx.Answer.FirstOrDefault())
        {
            case "here": return "here";
            case "clear": areas.Clear(id); break;
            default: areas.SetAreas(id, ctx.Answer); break;
        }
        // Areas add to her own département: they mean something only with alerts by area.
        return Update(ctx, m => { if (m.Warnings == WarningScope.None) m.Warnings = WarningScope.Departement; });
    }

    private string SetHere(TurnContext ctx)
    {
        if (ctx.MemberId is not { } id || ctx.Answer.FirstOrDefault() is not { } departement) return "none";
        areas.SetHere(id, departement);
        return Update(ctx, m => { if (m.Warnings == WarningScope.None) m.Warnings = WarningScope.Departement; });
    }

    /// <summary>Says which mode and which warnings she has, and how to change them (the join flow ends with it).</summary>
    private string Describe(TurnContext ctx)
    {
        if (ctx.MemberId is null || members.Find(ctx.MemberId) is not { } member) return "none";
        ctx.Say(member.Discreet ? "settings.now_discreet" : "settings.now_direct");
        ctx.Say(member.Warnings switch
        {
            WarningScope.France => "settings.now_warnings_france",
            WarningScope.None => "settings.now_warnings_none",
            _ => "settings.now_warnings_departement",
        }, new Dictionary<string, string> { ["departement"] = member.Departement ?? "?" });
        if (member.Warnings == WarningScope.Departement && areas.Find(member.Id) is { } chosen)
        {
            if (chosen.Areas.Count > 0) ctx.Say("settings.now_areas", new Dictionary<string, string> { ["areas"] = string.Join(", ", chosen.Areas) });
            if (chosen.Here is { } here && chosen.HereUntil > ctx.Now.UtcDateTime)
                ctx.Say("settings.now_here", new Dictionary<string, string> { ["departement"] = here, ["until"] = chosen.HereUntil.Value.ToString("d MMMM", ctx.Texts.Culture) });
        }
        return "ok";
    }
}

/// <summary>"1" right after a discreet message means "Show" (SMS and Signal have no button), whatever flow she is in.</summary>
public sealed class ShowByNumber(Notifier notifier, FlowSet flows) : ITurnInterceptor
{
    public IReadOnlyList<Reply>? TryHandle(string urn, Inbound input, ConversationState state)
    {
        if (TextFolding.Fold(input.Text) != "1" || !notifier.HasPendingSince(urn, state.UpdatedAt.UtcDateTime)) return null;
        // In the middle of a draft (her report), "1" is her answer to its question; SHOW still opens the warning.
        if (state.Flow is { } flow && flows.Flows.TryGetValue(flow, out var definition) && definition.Draft) return null;
        var replies = notifier.Reveal(urn, null);
        if (replies.Count == 0) return null;
        var choices = replies.SelectMany(r => r.Choices).DistinctBy(c => c.Value).ToList();
        AlertsFeature.AwaitChoice(state, new Reply("", choices));
        return [.. replies.Take(replies.Count - 1).Select(r => r with { Choices = [] }), replies[^1] with { Choices = choices }];
    }
}

using System.Globalization;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Places;

namespace Jasmine.Bots.Reports;

/// <summary>The actions and parsers of <c>conversations/report.yaml</c>.</summary>
public sealed class ReportFeature(IdentifierParser identifiers, Gazetteer gazetteer, MemberService members, ReportService reports, FollowUp.CaseService cases, Help.UrgentAdvice urgent) : IFlowFeature
{
    public void Register(FlowRegistry r)
    {
        r.Action("report.begin", Begin, "organisation", "member");
        r.Action("report.add-identifiers", AddIdentifiers, "added", "retry", FlowOutcomes.AnswerOutcome);
        r.Action("report.clear-identifiers", ctx => { ctx.State.Remove("ids"); ctx.State.Remove("description"); return "ok"; }, "ok");
        r.Action("report.categories-chosen", ctx => ctx.State.GetAll("categories").Contains(ReportCategories.Other) ? "other" : Clear(ctx, "other", "ok"), "other", "ok");
        r.Action("report.set-date", SetDate, "ok");
        r.Action("report.set-place", SetPlace, "ok", "ambiguous", "retry");
        r.Action("report.pick-place", PickPlace, "ok", "retry");
        r.Action("report.set-words", ctx => { if (ctx.Answer.FirstOrDefault() is { Length: > 0 } w && w != "skip") ctx.State.Set("words", w); else ctx.State.Remove("words"); return "ok"; }, "ok");
        r.Action("report.summary", Summary, "ok");
        r.Action("report.edit", Edit, FlowOutcomes.AnswerOutcome);
        r.Action("report.save", Save, "saved");

        r.Parser("description", ctx => ctx.Input.Text.Count(char.IsLetter) >= 10 ? ParseResult.Success(ctx.Input.Text) : ParseResult.Fail("report.description_invalid"));
        r.Parser("date", ParseDate);
        r.Parser("place", ParsePlace);
        r.Parser("phone", ctx => (ctx.Input.ContactPhone is { } c ? identifiers.FromSharedContact(c) : identifiers.Normalize(IdentifierKind.Phone, ctx.Input.Text)) is { } p
            ? ParseResult.Success(p.Value) : ParseResult.Fail("report.contact_number_invalid"));

        r.Choices("place-candidates", ctx => ctx.State.GetAll("place_candidates")
            .Select(insee => gazetteer.FindByInsee(insee)).OfType<Place>()
            .Select(p => new Choice($"{p.Name} ({p.Postcode})", "place:" + p.InseeCode)).ToList());
    }

    private static string Clear(TurnContext ctx, string var, string outcome)
    {
        ctx.State.Remove(var);
        return outcome;
    }

    private string Begin(TurnContext ctx)
    {
        foreach (var v in new[] { "ids", "description", "categories", "other", "date", "place_name", "place_dept", "words", "contact", "contact_how", "contact_number", "contact_when", "behalf" })
            ctx.State.Remove(v);
        var member = ctx.MemberId is null ? null : members.Find(ctx.MemberId);
        return member?.Role == MemberRole.Organisation ? "organisation" : "member";
    }

    private string AddIdentifiers(TurnContext ctx)
    {
        var found = ctx.Answer.Select(BotFlowHost.Decode).OfType<Identifier>().ToList();
        if (found.Count == 0) return ctx.Answer.FirstOrDefault() ?? "retry";
        foreach (var id in found) ctx.State.Add("ids", BotFlowHost.Encode(id));
        ctx.Say("report.noted", new Dictionary<string, string> { ["identifiers"] = DisplayIdentifiers(ctx) });
        return "added";
    }

    private string DisplayIdentifiers(TurnContext ctx) =>
        string.Join(", ", ctx.State.GetAll("ids").Select(BotFlowHost.Decode).OfType<Identifier>().Select(identifiers.Display));

    private ParseResult ParseDate(TurnContext ctx)
    {
        var today = DateOnly.FromDateTime(ParisNow(ctx));
        var (outcome, date) = DateParser.Parse(ctx.Input.Text, ctx.Texts.Culture, today);
        return outcome switch
        {
            DateParser.Outcome.Ok => ParseResult.Success(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            DateParser.Outcome.Future => ParseResult.Fail("report.date_future"),
            _ => ParseResult.Fail("report.date_invalid"),
        };
    }

    private static DateTime ParisNow(TurnContext ctx) =>
        TimeZoneInfo.ConvertTime(ctx.Now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime;

    private string SetDate(TurnContext ctx)
    {
        var today = DateOnly.FromDateTime(ParisNow(ctx));
        var answer = ctx.Answer.FirstOrDefault() ?? "";
        var date = answer switch
        {
            "today" => today,
            "yesterday" => today.AddDays(-1),
            _ => DateOnly.ParseExact(answer, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        ctx.State.Set("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return "ok";
    }

    private ParseResult ParsePlace(TurnContext ctx)
    {
        if (ctx.Input.Location is { } loc)
            return ParseResult.Success("place:" + gazetteer.NearestCommune(loc.Latitude, loc.Longitude).InseeCode);
        var found = gazetteer.Resolve(ctx.Input.Text);
        if (found.Count == 0) return ParseResult.Fail("report.where_invalid");
        // Homonyms of similar weight get a short numbered choice; a clear winner (Paris, 13001) is taken at once.
        var distinct = found.Where(p => p.Name == found[0].Name || found.Count <= 5).Take(5).ToList();
        return distinct.Count == 1 || !SameName(distinct)
            ? ParseResult.Success("place:" + found[0].InseeCode)
            : ParseResult.Success(distinct.Select(p => "place:" + p.InseeCode).ToList());
    }

    private static bool SameName(IReadOnlyList<Place> places) =>
        places.Select(p => Localization.TextFolding.Fold(p.Name)).Distinct().Count() == 1 && places.Select(p => p.Departement).Distinct().Count() > 1;

    private string SetPlace(TurnContext ctx)
    {
        var answer = ctx.Answer;
        if (answer.Count == 0 || answer[0] == "skip")
        {
            ctx.State.Remove("place_name");
            ctx.State.Remove("place_dept");
            return "ok";
        }
        if (answer.Count > 1)
        {
            ctx.State.SetAll("place_candidates", answer.Select(a => a["place:".Length..]));
            return "ambiguous";
        }
        return Store(ctx, answer[0]);
    }

    private string PickPlace(TurnContext ctx)
    {
        var outcome = Store(ctx, ctx.Answer.FirstOrDefault() ?? "");
        ctx.State.Remove("place_candidates");
        return outcome;
    }

    /// <summary>Only the town and its département are kept: a street or a shared location's exact point never is.</summary>
    private string Store(TurnContext ctx, string value)
    {
        var place = value.StartsWith("place:", StringComparison.Ordinal) ? gazetteer.FindByInsee(value[6..]) : null;
        if (place is null) return "retry";
        ctx.State.Set("place_name", place.Name);
        ctx.State.Set("place_dept", place.Departement);
        return "ok";
    }

    private string Edit(TurnContext ctx)
    {
        var section = ctx.Answer.FirstOrDefault() ?? "";
        if (section == "categories") { ctx.State.Remove("categories"); ctx.State.Remove("other"); }
        if (section == "contact") { ctx.State.Remove("contact_how"); ctx.State.Remove("contact_number"); ctx.State.Remove("contact_when"); }
        return section;
    }

    private string Summary(TurnContext ctx)
    {
        var s = ctx.State;
        var none = ctx.Text("report.summary_none");
        var who = s.GetAll("ids").Count > 0 ? DisplayIdentifiers(ctx) : s.Get("description") ?? none;
        var what = Conversations.BotFlowHost.CategoryList(ctx.Texts, s.GetAll("categories"));
        if (s.Get("other") is { } other) what += $" ({other})";
        var date = s.Get("date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToString("d MMMM yyyy", ctx.Texts.Culture) : none;
        var place = s.Get("place_name") is { } town ? $"{town} ({s.Get("place_dept")})" : none;
        var words = s.Get("words") is null ? none : ctx.Text("report.summary_words_given");
        var when = s.Get("contact_when") is { } w ? LabelOfWhen(ctx, w) : "";
        var contact = s.Get("contact") != "yes" ? ctx.Text("report.summary_contact_no")
            : s.Get("contact_how") == "other-number" ? ctx.Text("report.summary_contact_number", new Dictionary<string, string> { ["number"] = s.Get("contact_number") is { } n ? identifiers.Display(new Identifier(IdentifierKind.Phone, n)) : "", ["when"] = when })
            : ctx.Text("report.summary_contact_chat", new Dictionary<string, string> { ["when"] = when });
        var text = ctx.Text("report.summary", new Dictionary<string, string>
        {
            ["who"] = who, ["what"] = what, ["date"] = date, ["place"] = place, ["words"] = words, ["contact"] = contact,
        });
        if (s.Get("behalf") == "behalf") text = ctx.Text("report.summary_behalf") + "\n" + text;
        ctx.Add(new Reply(text));
        return "ok";
    }

    private static string LabelOfWhen(TurnContext ctx, string value) => value switch
    {
        "morning" => ctx.Text("report.when_morning"),
        "afternoon" => ctx.Text("report.when_afternoon"),
        "evening" => ctx.Text("report.when_evening"),
        "anytime" => ctx.Text("report.when_anytime"),
        _ => value,
    };

    private string Save(TurnContext ctx)
    {
        var s = ctx.State;
        var wantsContact = s.Get("contact") == "yes";
        var occurred = s.Get("date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : DateOnly.FromDateTime(ParisNow(ctx));
        var categories = s.GetAll("categories").ToList();
        var doc = reports.Save(new NewReport(
            ctx.MemberId,
            s.Get("behalf") == "behalf",
            s.GetAll("ids").Select(BotFlowHost.Decode).OfType<Identifier>().ToList(),
            s.Get("description"),
            categories,
            s.Get("other"),
            occurred,
            s.Get("place_dept"),
            s.Get("place_name"),
            s.Get("words"),
            wantsContact,
            wantsContact ? (s.Get("contact_how") == "other-number" ? "tel:" + s.Get("contact_number") : "chat:" + ctx.Address) : null,
            wantsContact ? s.Get("contact_when") : null,
            s.Language));
        // The promise she reads is the one kept: with nobody on call, she is told when to expect contact and who to call meanwhile.
        var saved = !wantsContact ? "report.saved" : cases.ByReport(doc.Id) is { Queued: true } ? "report.saved_contact_queued" : "report.saved_contact";
        ctx.Say(saved, new Dictionary<string, string> { ["reference"] = doc.Reference });
        // Rape or a condom removed, today or in the last days: what to do for her health comes with the thanks.
        urgent.SayAfterReport(ctx, categories, occurred, ParisNow(ctx));
        s.Reset();
        return "saved";
    }
}

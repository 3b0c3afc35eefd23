using System.Globalization;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Screening;

namespace Jasmine.Bots.Conversations;

/// <summary>
/// The actions and parsers the flows in <c>conversations/</c> may name. Each is small and named after what it does;
/// the flow files decide when.
/// </summary>
public sealed partial class BotFlowHost(
    MemberService members,
    ScreeningService screening,
    IdentifierParser identifiers,
    ConversationStore conversations,
    Places.Gazetteer gazetteer,
    IEnumerable<IFlowFeature> features,
    Microsoft.Extensions.Options.IOptions<JasmineOptions> options)
    : IFlowHost
{
    private readonly Dictionary<string, Func<TurnContext, string>> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<TurnContext, ParseResult>> _parsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<TurnContext, IReadOnlyList<Choice>>> _choices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyCollection<string>> _outcomes = new(StringComparer.Ordinal);
    private bool _registered;

    public IReadOnlyCollection<string> Actions { get { Register(); return _actions.Keys; } }
    public IReadOnlyCollection<string> Parsers { get { Register(); return _parsers.Keys; } }
    public IReadOnlyCollection<string> ChoiceSources { get { Register(); return _choices.Keys; } }

    public IReadOnlyCollection<string>? OutcomesOf(string action) { Register(); return _outcomes.GetValueOrDefault(action); }

    public ParseResult Parse(string parser, TurnContext ctx) { Register(); return _parsers[parser](ctx); }
    public string Run(string action, TurnContext ctx) { Register(); return _actions[action](ctx); }
    public IReadOnlyList<Choice> Choices(string source, TurnContext ctx) { Register(); return _choices[source](ctx); }

    private void Register()
    {
        if (_registered) return;
        lock (_actions)
        {
            if (_registered) return;
            var registry = new FlowRegistry(_actions, _parsers, _choices, _outcomes);
            RegisterCore(registry);
            foreach (var feature in features) feature.Register(registry);
            _registered = true;
        }
    }

    private void RegisterCore(FlowRegistry r)
    {
        // Each action with the outcomes it can return: the flows' cases are checked against them at load.
        r.Action("join.check-code", CheckCode, "member", "invalid", "ok");
        r.Action("join.complete", CompleteJoin, "invalid", "ok");
        r.Action("language.set", SetLanguage, "retry", "ok");
        r.Action("screen.free-text", ScreenFreeText, "none", "limited", "screened");
        r.Action("screen.lookup", ScreenAnswer, "limited", "screened", FlowOutcomes.AnswerOutcome);
        r.Action("invite.create", CreateInvite, "none", "quota", "ok");
        r.Action("erase.confirm", EraseMember, "none", "done");
        r.Action("flow.reset", ctx => { ctx.State.Reset(); return "ok"; }, "ok");

        r.Parser("identifiers", ParseIdentifiers);
        r.Parser("name", ParseName);
        r.Parser("pseudonym", ParsePseudonym);
        r.Parser("departement", ParseDepartement);

        r.Choices("languages", ctx => Locales.Supported.Select(l => new Choice(ctx.Locales[l].NativeName, "lang:" + l)).ToList());
    }

    // ---- join ----

    private string CheckCode(TurnContext ctx)
    {
        if (ctx.MemberId is not null) { ctx.Say("join.already_member"); ctx.State.Reset(); return "member"; }
        var code = ctx.State.Get("code");
        if (code is null || members.FindValidInvite(code) is null)
        {
            // She may not read French: refuse in both base languages, keep nothing.
            ctx.Add(new Reply(ctx.Locales["fr"].Get("join.invalid_code") + "\n\n" + ctx.Locales["en"].Get("join.invalid_code")));
            ctx.State.Reset();
            return "invalid";
        }
        return "ok";
    }

    private string CompleteJoin(TurnContext ctx)
    {
        var member = members.Join(ctx.State.Get("code") ?? "", ctx.Address, new NewMember(
            ctx.State.Get("pseudonym") ?? "", ctx.State.Language, ctx.State.Get("area"), MemberRole.Member, null));
        if (member is null)
        {
            ctx.Say("join.invalid_code");
            ctx.State.Reset();
            return "invalid";
        }
        ctx.MemberId = member.Id;
        // The code and what she typed were only needed to get here.
        ctx.State.Remove("code");
        return "ok";
    }

    private string SetLanguage(TurnContext ctx)
    {
        var value = ctx.Answer.FirstOrDefault() ?? "";
        var language = value.StartsWith("lang:", StringComparison.Ordinal) ? value[5..] : value;
        if (!ctx.Locales.IsSupported(language)) return "retry";
        ctx.State.Language = language;
        if (ctx.MemberId is { } id && members.Find(id) is { } member)
        {
            member.Language = language;
            members.Update(member);
        }
        return "ok";
    }

    // ---- screening ----

    internal const string IdentifierPrefix = "id:";

    public static string Encode(Identifier id) => $"{IdentifierPrefix}{id.Kind}:{id.Value}";

    public static Identifier? Decode(string value)
    {
        if (!value.StartsWith(IdentifierPrefix, StringComparison.Ordinal)) return null;
        var rest = value[IdentifierPrefix.Length..];
        var colon = rest.IndexOf(':');
        return colon > 0 && Enum.TryParse<IdentifierKind>(rest[..colon], out var kind) ? new Identifier(kind, rest[(colon + 1)..]) : null;
    }

    private IReadOnlyList<Identifier> Extract(Inbound input) => identifiers.Extract(input.Text, input.ContactPhone);

    private ParseResult ParseIdentifiers(TurnContext ctx)
    {
        var found = Extract(ctx.Input);
        return found.Count > 0 ? ParseResult.Success(found.Select(Encode).ToList()) : ParseResult.Fail("screen.invalid");
    }

    private ParseResult ParseName(TurnContext ctx) =>
        identifiers.Normalize(IdentifierKind.Name, ctx.Input.Text) is { } name ? ParseResult.Success(Encode(name)) : ParseResult.Fail("screen.name_invalid");

    private string ScreenFreeText(TurnContext ctx)
    {
        var found = Extract(ctx.Input);
        if (found.Count == 0) return "none";
        return Screen(ctx, found);
    }

    private string ScreenAnswer(TurnContext ctx)
    {
        // The screening flows are for members only; a stranger never gets here, and would get "finished" if she did.
        if (ctx.MemberId is null) return "limited";
        var ids = ctx.Answer.Select(Decode).OfType<Identifier>().ToList();
        if (ids.Count == 0) return ctx.Answer.FirstOrDefault() ?? "limited";
        return Screen(ctx, ids);
    }

    private string Screen(TurnContext ctx, IReadOnlyList<Identifier> ids)
    {
        if (ctx.MemberId is null) return "none";
        ids = ids.Take(ScreeningService.MaxPerMessage).ToList();
        if (!screening.TryConsume(ctx.MemberId, ids.Count))
        {
            ctx.Say("screen.limited");
            return "limited";
        }
        ctx.State.SetAll("screened", ids.Select(Encode));
        // A forwarded message or a contact card may hold several: one answer, one line each, the worst first.
        var results = ids.Select(screening.Screen).OrderBy(Gravity).ToList();
        ctx.Add(new Reply(string.Join("\n", results.Select(r => Describe(ctx, r)))));
        return "screened";
    }

    private static int Gravity(ScreeningResult result) => result.ReportedByPartner is not null ? 0 : result.Classification switch
    {
        Classification.VeryDangerous => 0,
        Classification.Risky => 1,
        Classification.Annoying => 2,
        Classification.Pending => 3,
        _ => 4,
    };

    public string Describe(TurnContext ctx, ScreeningResult result)
    {
        if (result.ReportedByPartner is { } partner)
            return ctx.Text("screen.result.federated", new Dictionary<string, string> { ["identifier"] = identifiers.Display(result.Identifier), ["country"] = partner.NameIn(ctx.State.Language) });
        var args = new Dictionary<string, string>
        {
            ["identifier"] = identifiers.Display(result.Identifier),
            ["categories"] = CategoryList(ctx.Texts, result.Categories),
            ["month"] = result.LastReportAt is { } at ? at.ToString("MMMM yyyy", ctx.Texts.Culture) : "",
        };
        var key = result.Classification switch
        {
            Classification.VeryDangerous => "screen.result.very_dangerous",
            Classification.Risky => "screen.result.risky",
            Classification.Annoying => "screen.result.annoying",
            Classification.Pending => "screen.result.pending",
            _ => "screen.result.not_signaled",
        };
        if (key == "screen.result.not_signaled")
        {
            // A different tip each time, so the advice does not become wallpaper.
            var tip = $"tip.{(uint)HashCode.Combine(result.Identifier.Value, ctx.Now.Minute) % 5 + 1}";
            args["tip"] = ctx.Text(tip);
        }
        else if (result.Categories.Count == 0) key += "_no_categories";
        return ctx.Text(key, args);
    }

    public static string CategoryList(LocaleTexts texts, IEnumerable<string> categories) =>
        string.Join(", ", categories.Select(c => texts.Has("category." + c) ? texts.Get("category." + c) : c));

    // ---- invites and erasure ----

    private string CreateInvite(TurnContext ctx)
    {
        if (ctx.MemberId is null || members.Find(ctx.MemberId) is not { } member) return "none";
        if (members.InvitesLeft(member) <= 0) { ctx.Say("invite.quota"); return "quota"; }
        // A new account cannot mint more accounts at once, and a whole referral branch has a daily ceiling.
        switch (members.InviteRefusal(member))
        {
            case "too_new":
                ctx.Say("invite.too_new", new Dictionary<string, string> { ["days"] = options.Value.Invites.NewMemberWaitDays.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                return "quota";
            case "branch_limit":
                ctx.Say("invite.branch_limit");
                return "quota";
        }
        // Whoever vouches, the person invited joins as a member.
        var code = members.CreateInvite(member.Id, MemberRole.Member);
        ctx.Say("invite.created", new Dictionary<string, string> { ["code"] = code });
        return "ok";
    }

    private string EraseMember(TurnContext ctx)
    {
        if (ctx.MemberId is not { } id) return "none";
        foreach (var (_, urn) in members.Addresses(id).ToList()) if (urn != ctx.Address) conversations.Delete(urn);
        members.Erase(id);
        ctx.MemberId = null;
        ctx.Say("erase.done");
        // Nothing of hers comes back: not what erase interrupted, nor a kept draft.
        ctx.State.Clear();
        return "done";
    }

    // ---- small parsers ----

    private ParseResult ParsePseudonym(TurnContext ctx)
    {
        // Direction overrides would make her name display reversed in the console: never part of a name.
        var text = Text.BidiControls.Strip(ctx.Input.Text).Trim();
        if (text.Length is < 2 or > 32 || !text.Any(char.IsLetter) || text.Any(c => char.IsControl(c)))
            return ParseResult.Fail("join.pseudonym_invalid");
        // A pseudonym must not be a way to store her number or address in the members table.
        if (identifiers.Extract(text).Count > 0) return ParseResult.Fail("join.pseudonym_invalid");
        return ParseResult.Success(text);
    }

    private ParseResult ParseDepartement(TurnContext ctx)
    {
        if (ctx.Input.Location is { } at) return ParseResult.Success(gazetteer.NearestCommune(at.Latitude, at.Longitude).Departement);
        var d = Departements.Parse(ctx.Input.Text) ?? gazetteer.Resolve(ctx.Input.Text).FirstOrDefault()?.Departement;
        return d is null ? ParseResult.Fail("join.area_invalid") : ParseResult.Success(d);
    }
}

/// <summary>Lets a feature folder add its own actions, parsers and choice lists to the flows.</summary>
public interface IFlowFeature
{
    void Register(FlowRegistry registry);
}

public sealed class FlowRegistry(
    Dictionary<string, Func<TurnContext, string>> actions,
    Dictionary<string, Func<TurnContext, ParseResult>> parsers,
    Dictionary<string, Func<TurnContext, IReadOnlyList<Choice>>> choices,
    Dictionary<string, IReadOnlyCollection<string>>? outcomes = null)
{
    /// <summary>
    /// An action and the outcomes it can return (<see cref="FlowOutcomes.AnswerOutcome"/>: it may pass the answer's value
    /// on). With outcomes declared, a flow's case that can never happen, or an outcome with nowhere to go, fails at load.
    /// </summary>
    public void Action(string name, Func<TurnContext, string> run, params string[] declared)
    {
        actions.Add(name, run);
        if (declared.Length > 0 && outcomes is not null) outcomes[name] = declared;
    }
    public void Parser(string name, Func<TurnContext, ParseResult> parse) => parsers.Add(name, parse);
    public void Choices(string name, Func<TurnContext, IReadOnlyList<Choice>> list) => choices.Add(name, list);
}

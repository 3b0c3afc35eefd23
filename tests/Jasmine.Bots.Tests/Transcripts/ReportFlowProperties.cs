using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Conversations;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>One host for the whole property run; each case is a new member in a chat of her own.</summary>
public sealed class ReportFlowHost : IDisposable
{
    public JasmineFactory Host { get; } = new();
    public HttpClient Http { get; }
    private int _next;

    public ReportFlowHost() => Http = Host.CreateClient();

    public string NextChatId() => $"prop-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";

    public void Dispose()
    {
        Http.Dispose();
        Host.Dispose();
    }
}

/// <summary>
/// Whatever she sends at any step of the report (random unicode, emoji, 10 kB, control characters, digits, the
/// flow's own words and values), the service answers, and her half-written report is not lost.
/// </summary>
[Collection(TranscriptsCollection.Name)]
public sealed class ReportFlowProperties(ReportFlowHost fixture) : IClassFixture<ReportFlowHost>
{
    /// <summary>One step of the report where she is asked something, how to get there and how to go on.</summary>
    public sealed record Step(string Name, string[] Path, string[] Valid, string[] Next);

    private static readonly string[] Ids = ["06 12 34 56 78"];
    private static readonly string[] ToCategories = [.. Ids, "yes"];
    private static readonly string[] ToWhen = [.. ToCategories, "3", "done"];
    private static readonly string[] ToWhere = [.. ToWhen, "today"];
    private static readonly string[] ToWords = [.. ToWhere, "13001"];
    private static readonly string[] ToContact = [.. ToWords, "skip"];
    private static readonly string[] ToContactHow = [.. ToContact, "yes"];
    private static readonly string[] ToConfirm = [.. ToContact, "no"];

    /// <summary>
    /// Every step of conversations/report.yaml a member is asked (behalf is for organisations), with the steps a
    /// valid answer, or a random input that happens to be one, may lead to.
    /// </summary>
    public static readonly Step[] Steps =
    [
        new("identifiers", [], ["06 12 34 56 78"], ["confirm_ids", "name", "description"]),
        new("name", ["add-name"], ["Marco"], ["confirm_ids"]),
        new("confirm_ids", Ids, ["yes"], ["categories", "identifiers"]),
        new("description", ["dont-know"], ["About 50, tall, grey beard, red car"], ["categories"]),
        new("categories", ToCategories, ["3", "done"], ["when", "other"]),
        new("other", [.. ToCategories, "other", "done"], ["He threatened me"], ["when"]),
        new("when", ToWhen, ["today"], ["where"]),
        new("where", ToWhere, ["13001"], ["words", "where_pick"]),
        new("where_pick", [.. ToWhere, "Saint-Denis"], ["1"], ["words"]),
        new("words", ToWords, ["skip"], ["contact"]),
        new("contact", ToContact, ["no"], ["contact_how", "confirm"]),
        new("contact_how", ToContactHow, ["this-chat"], ["contact_number", "contact_when"]),
        new("contact_number", [.. ToContactHow, "other-number"], ["06 98 76 54 32"], ["contact_when"]),
        new("contact_when", [.. ToContactHow, "this-chat"], ["morning"], ["confirm"]),
        new("confirm", ToConfirm, ["change"], ["change", "wipe/offer", "none"]),
        new("change", [.. ToConfirm, "change"], ["when"], ["identifiers", "categories", "when", "where", "words", "contact"]),
    ];

    public sealed record Case(Step Step, string Language, string Kind, string Text)
    {
        public override string ToString() =>
            $"step {Step.Name} ({Language}), {Kind}: \"{Escape(Text.Length > 200 ? Text[..200] + "…" : Text)}\" ({Text.Length} chars)";

        private static string Escape(string s) => string.Concat(s.Select(c => c < ' ' || char.IsSurrogate(c) || c is '\u007f' ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    private static readonly Locales AllLocales = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));

    /// <summary>The flow's own words in every language: keywords, button labels and choice values.</summary>
    private static readonly string[] FlowWords = AllLocales.All
        .SelectMany(l => l.Texts.Where(t => t.Key.StartsWith("keywords.", StringComparison.Ordinal)).SelectMany(t => t.Value.Split('|'))
            .Concat(l.Texts.Where(t => t.Key.StartsWith("report.", StringComparison.Ordinal) && t.Value.Length < 40 && !t.Value.Contains('{')).Select(t => t.Value))
            .Concat(l.Texts.Where(t => t.Key.StartsWith("category.", StringComparison.Ordinal) || t.Key.StartsWith("choice.", StringComparison.Ordinal) || t.Key.StartsWith("resume.", StringComparison.Ordinal)).Select(t => t.Value)))
        .Concat(["self", "behalf", "add-name", "dont-know", "yes", "no", "more", "restart", "continue", "cancel", "done", "other", "today", "yesterday",
            "skip", "this-chat", "other-number", "morning", "afternoon", "evening", "anytime", "send", "change", "identifiers", "categories",
            "when", "where", "words", "contact", "aggravated-violence", "rape", "theft", "place:75056", "place:93066", "place:", "lang:fr",
            "lang:xx", "wipe", "wipe-later", "menu", "/start", "/cancel", "/menu", "/report", "/start ABCD1234", "JOIN K7Q2M9XD4P",
            "show:", "show:abc", "relay:", "relay:R-XXXX", "@cancel", "@menu", "0", "-1", "11", "12", "1 2 3", "1,2", "99"])
        .Distinct().ToArray();

    private static readonly string[] Emoji =
        ["😀", "🔥", "👍🏽", "👩‍❤️‍💋‍👩", "🏳️‍🌈", "🇫🇷", "❤️", "☎️", "🚗", "🙏", "💔", "⚠️", "1️⃣", "#️⃣", "🧕🏿", "👨‍👩‍👧‍👦", "\U0001F9D1\u200D\U0001F4BB"];

    private static Gen<string> Join(Gen<string[]> parts, string separator) => parts.Select(p => string.Join(separator, p));

    private static Gen<string> CodePoints(int min, int max) =>
        Gen.Choose(min, max).Select(cp => cp is >= 0xD800 and <= 0xDFFF ? ((char)cp).ToString() : char.ConvertFromUtf32(cp));

    /// <summary>Random text, weighted towards what breaks parsers.</summary>
    public static Gen<(string Kind, string Text)> Texts()
    {
        var anyString = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "");
        var unicode = Join(Gen.ArrayOf(Gen.OneOf(CodePoints(0, 0x10FFFF), CodePoints(0x300, 0x36F), CodePoints(0x590, 0x6FF), CodePoints(0x400, 0x4FF), CodePoints(0x4E00, 0x9FFF), CodePoints(0xD800, 0xDFFF), CodePoints(0x200B, 0x206F))), "");
        var emoji = Join(Gen.ArrayOf(Gen.OneOf(Gen.Elements(Emoji), Gen.Elements(" ", "06 12", "ok", "\uFE0F", "\u200D"))), "");
        var control = Join(Gen.ArrayOf(Gen.OneOf(CodePoints(0, 0x1F), CodePoints(0x7F, 0x9F), Gen.Elements("\u2028", "\u2029", "\uFEFF", "\r\n", "a", "1", " "))), "");
        var digits = Gen.OneOf(
            Gen.Choose(-5, 200).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Join(Gen.ArrayOf(Gen.Elements("0", "1", "2", "3", "6", "7", "9", " ", ",", ".", "+", "/", "-", "٢", "３")), ""),
            Gen.Elements("0612345678", "+33 6 12 34 56 78", "06 12 34 56", "12/11", "31/02/2026", "2026-13-45", "99/99/99", "13001", "00000", "1e9", "1 2 3 4 5 6 7 8 9 10 11", "0 0", "2147483648"));
        var words = Gen.OneOf(
            Gen.Elements(FlowWords),
            Gen.Elements(FlowWords).Select(w => w.ToUpperInvariant()),
            Join(Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Gen.Elements(FlowWords), n)), " "),
            Join(Gen.Choose(2, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(FlowWords), n)), ", "),
            Gen.Elements(FlowWords).Select(w => "  " + w + "\n"));
        var longText = Gen.Zip(Gen.Choose(2001, 10_240), Gen.OneOf(anyString, emoji, Gen.Elements(FlowWords), Gen.Constant("06 12 34 56 78 ")))
            .Select(t =>
            {
                var piece = t.Item2.Length == 0 ? "x" : t.Item2;
                var sb = new StringBuilder(t.Item1 + piece.Length);
                while (sb.Length < t.Item1) sb.Append(piece);
                return sb.ToString();
            });
        var blank = Gen.Elements("", " ", "\t", "\n\n", "\u00A0", "\u3000", "\u200B");
        return Gen.Frequency(
            (3, anyString.Select(t => ("string", t))),
            (3, unicode.Select(t => ("unicode", t))),
            (2, emoji.Select(t => ("emoji", t))),
            (2, control.Select(t => ("control", t))),
            (2, digits.Select(t => ("digits", t))),
            (5, words.Select(t => ("flow words", t))),
            (1, longText.Select(t => ("long", t))),
            (1, blank.Select(t => ("blank", t))));
    }

    public static class Arbitraries
    {
        public static Arbitrary<Case> Cases() =>
            Gen.Zip(Gen.Zip(Gen.Elements(Steps), Gen.Elements("fr", "en", "ru", "ar")), Texts())
                .Select(t => new Case(t.Item1.Item1, t.Item1.Item2, t.Item2.Kind, WellFormed(t.Item2.Text)))
                .ToArbitrary(); // no shrinking: each try costs a conversation with the real host
    }

    /// <summary>
    /// Half an emoji (a lone surrogate) never reaches the service: every channel decodes UTF-8 or JSON, which
    /// replaces it with U+FFFD (Twilio's form posts) or refuses the request (JSON: the try-it channel answers 400).
    /// It is sent as the replacement character, as a decoder would.
    /// </summary>
    private static string WellFormed(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) sb.Append(text[i]).Append(text[++i]);
            else sb.Append(char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
        }
        return sb.ToString();
    }

    private static readonly Stopwatch Budget = new();

    [Property(MaxTest = 200, Arbitrary = [typeof(Arbitraries)])]
    public async Task Any_input_at_any_step_of_the_report_gets_an_answer_and_loses_nothing(Case c)
    {
        Budget.Start(); // runs from the first case to the last
        Assert.True(Budget.Elapsed < TimeSpan.FromSeconds(90), "the property takes too long: lower MaxTest");
        var from = fixture.NextChatId();
        var urn = Urns.Try(from);
        var members = fixture.Host.Get<MemberService>();
        // She is a member already: joining is not what is under test, and five turns less per case.
        Assert.NotNull(members.Join(members.CreateInvite(null, MemberRole.Member), urn, new NewMember("Prop", c.Language, "75", MemberRole.Member, null)));

        await Send(from, "/report", c);
        foreach (var answer in c.Step.Path) await Send(from, answer, c);
        Assert.Equal("report/" + c.Step.Name, Where(urn));
        var before = Load(urn);

        await Send(from, c.Text, c);
        var after = Load(urn);
        var where = Where(urn);

        if (IsGlobalWord(c.Text))
        {
            // MENU, ANNULER, SIGNALER…: she left the report (or started it again) on purpose; the state is a fresh one.
            Assert.True(after is null || after.Flow is null || after.Step is not null, $"{c}: in flow {after?.Flow} without a step");
            return;
        }

        Assert.True(where == "report/" + c.Step.Name || c.Step.Next.Contains(Strip(where)),
            $"{c}: the conversation went from report/{c.Step.Name} to '{where ?? "none"}'");
        if (where == "report/" + c.Step.Name)
        {
            // Nothing she had already answered was dropped by a wrong answer.
            foreach (var (name, values) in before!.Vars)
                Assert.True(after!.Vars.TryGetValue(name, out var kept) && values.All(kept.Contains),
                    $"{c}: '{name}' was lost (before: {string.Join(",", values)})");
            // And the valid answer still moves her on.
            foreach (var answer in ValidNow(c.Step, after!)) await Send(from, answer, c);
            var next = Where(urn);
            Assert.True(c.Step.Next.Contains(Strip(next)), $"{c}: after the valid answer the conversation is at '{next ?? "none"}'");
        }
    }

    /// <summary>
    /// The step's valid answer, as it is now: at the category menu a second tap unticks, so when her random input
    /// already ticked something (perhaps the very category the valid answer would tick), Confirm alone moves her on.
    /// </summary>
    private static string[] ValidNow(Step step, ConversationState state) =>
        step.Name == "categories" && state.Vars.TryGetValue("categories", out var ticked) && ticked.Count > 0 ? ["done"] : step.Valid;

    private static string Strip(string? where) => where is null ? "none" : where.StartsWith("report/", StringComparison.Ordinal) ? where["report/".Length..] : where;

    private ConversationState? Load(string urn) => fixture.Host.Get<ConversationStore>().Load(urn);

    private string? Where(string urn) => Load(urn) is { Flow: { } flow } s ? $"{flow}/{s.Step}" : null;

    /// <summary>A word or command that works anywhere (conversations/globals.yaml), the way the engine reads one.</summary>
    private static bool IsGlobalWord(string text)
    {
        var cleaned = new string(text.Where(ch => !char.IsControl(ch) || ch == '\n').ToArray()).Trim();
        if (cleaned.Length is 0 or > 80) return false;
        var head = cleaned.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
        if (head.StartsWith('/') || head.StartsWith("show:", StringComparison.OrdinalIgnoreCase) || head.StartsWith("relay:", StringComparison.OrdinalIgnoreCase)) return true;
        string folded, foldedHead;
        try { folded = TextFolding.Fold(cleaned); foldedHead = TextFolding.Fold(head); }
        catch (ArgumentException) { return false; }
        return GlobalWords.Contains(folded) || (JoinWords.Contains(foldedHead) && cleaned.Length > head.Length);
    }

    /// <summary>The flows' own global words, so one added to globals.yaml (as CHECKIN was) is known here too.</summary>
    private static readonly string[] GlobalKeys = FlowSet.Load(Path.Combine(LocaleTests.Root(), "conversations")).Globals.Globals
        .Select(g => g.Words).Distinct().ToArray();
    private static readonly HashSet<string> GlobalWords = AllLocales.All.SelectMany(l => GlobalKeys.SelectMany(k => l.Keywords(k))).ToHashSet();
    private static readonly HashSet<string> JoinWords = AllLocales.All.SelectMany(l => l.Keywords("keywords.join").Concat(l.Keywords("keywords.show")).Concat(l.Keywords("keywords.relay"))).ToHashSet();

    /// <summary>Posts as JSON written by hand, every character outside printable ASCII escaped as \uXXXX.</summary>
    private async Task Send(string from, string text, Case c)
    {
        var json = $"{{\"text\":{Json(text)}}}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var request = TryCookie.Request(fixture.Host.Services, HttpMethod.Post, "/try/messages", from, content);
        using var response = await fixture.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{c}: HTTP {(int)response.StatusCode} for \"{text}\": {await response.Content.ReadAsStringAsync()}");
        var replies = (await response.Content.ReadFromJsonAsync<TryResponse>())!.Replies;
        Assert.True(replies.Count > 0 && replies.Any(r => !string.IsNullOrWhiteSpace(r.Text)), $"{c}: no reply to \"{text}\"");
        Assert.DoesNotContain(replies, r => r.Text.Contains("Oups, un souci") || r.Text.Contains("Oops, a problem"));
    }

    private static string Json(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var ch in s)
        {
            if (ch is '"' or '\\') sb.Append('\\').Append(ch);
            else if (ch < 0x20 || ch > 0x7E) sb.Append("\\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(ch);
        }
        return sb.Append('"').ToString();
    }
}

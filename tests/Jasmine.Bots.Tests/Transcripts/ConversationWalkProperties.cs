using System.Text;
using Jasmine.Bots.Alerts;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Conversations;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>
/// Random conversations through the real turn pipeline (store, engine, host actions, outbox): at every step of every
/// flow, what she sends is the step's own answer, a global word in any language, a tap on a button she was shown
/// earlier, a warning arriving and its Show, a number to screen, or junk (emoji, 12 kB, control characters, right-to-left
/// text). Whatever happens: she always gets an answer and never the error; a half-written report never vanishes except
/// when she sends it, discards it, erases her account or leaves it untouched for days; and the store holds exactly one
/// report per report she sent. Each conversation has its own seed: a failure prints it (JASMINE_WALK_SEED replays it).
/// </summary>
[Collection(TranscriptsCollection.Name)]
public sealed class ConversationWalkProperties(ITestOutputHelper output) : IDisposable
{
    private const int Conversations = 2000;
    private const int TurnsPerConversation = 20;
    private readonly JasmineFactory _host = new(new() { ["Jasmine:Screening:PerHour"] = "100000", ["Jasmine:Screening:PerBranchPerHour"] = "1000000" });
    private static readonly Locales All = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));

    private static readonly string[] Languages = ["fr", "en", "ru", "ar", "zh", "ro"];
    private static readonly string[] Starts = ["/report", "/report", "/report", "/report", "/health", "/services", "/settings", "/info", "menu", "06 12 34 56 78", "hello"];
    private static readonly string[] GlobalKeys = ["menu", "cancel", "help", "report", "services", "info", "health", "language", "settings", "show", "wipe", "invite"];
    private static readonly string[] Junk =
    [
        "😀🔥👍🏽", "\u202Eanilem\u202C", "مرحبا كيف حالك", "你好", "?", "...", "0", "99", "-1", "1 2 3", "12/31/2099", "\u0000\u0007 x", "   ",
        new string('a', 12_000), string.Concat(Enumerable.Repeat("06 12 ", 300)), "show:nonsense", "relay:R-ZZZZ", "lang:xx", "place:00000",
        "I want to report a guy", "je veux signaler un client", "help me", "au secours", "ajută-mă",
    ];

    /// <summary>A quarter of the walks are by someone who mostly answers the questions, so that many reports get to the end.</summary>
    private sealed record Walk(int Seed, string Urn, string Language, List<string> Log, bool Focused);

    [Fact]
    public async Task Two_thousand_random_conversations_always_get_an_answer_lose_no_report_and_store_one_per_report_sent()
    {
        var single = Environment.GetEnvironmentVariable("JASMINE_WALK_SEED");
        var seeds = single is { Length: > 0 } ? [int.Parse(single, System.Globalization.CultureInfo.InvariantCulture)] : Enumerable.Range(1, Conversations).ToArray();
        var members = _host.Get<MemberService>();
        var sent = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Two at a time: the machine has two cores, and conversations of different people do run side by side.
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (seed, ct) =>
        {
            var random = new Random(seed);
            var language = Languages[random.Next(Languages.Length)];
            var urn = Urns.Try($"walk-{seed}");
            var member = members.Join(members.CreateInvite(null, MemberRole.Member), urn, new NewMember("Walk", language, "75", MemberRole.Member, null))!;
            var walk = new Walk(seed, urn, language, [], random.Next(4) == 0);
            try
            {
                Interlocked.Add(ref sent, await RunAsync(walk, member, random));
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or InvalidOperationException)
            {
                failures.Add($"seed {seed} ({language}): {e.Message}\n  " + string.Join("\n  ", walk.Log.TakeLast(12)));
            }
        });
        output.WriteLine($"{seeds.Length} conversations, {seeds.Length * TurnsPerConversation} messages, {sent} reports sent, in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.IsEmpty, $"{failures.Count} conversation(s) failed; first:\n{failures.FirstOrDefault()}");
        Assert.Equal(sent, _host.Get<JasmineStore>().Reports.Count());
        Assert.True(sent >= seeds.Length / 100 || single is not null, $"only {sent} reports sent: the walk hardly reaches the end of the report");
    }

    private async Task<int> RunAsync(Walk walk, MemberDoc member, Random random)
    {
        var turns = _host.Get<TurnProcessor>();
        var conversations = _host.Get<ConversationStore>();
        var engine = _host.Get<ConversationEngine>();
        var texts = All[walk.Language];
        var shown = new List<Choice>();
        IReadOnlyList<Reply> last = [];
        var sent = 0;
        for (var turn = 0; turn < TurnsPerConversation; turn++)
        {
            var before = conversations.Load(walk.Urn);
            var reportBefore = ReportFrame(before);
            var text = turn == 0 ? Starts[random.Next(Starts.Length)] : Next(random, engine, before, last, shown, texts, walk, member);
            var outcome = await turns.HandleAsync(walk.Urn, Inbound.FromText(text));
            var replies = outcome.Replies;
            walk.Log.Add($"> {Short(text)}");
            walk.Log.Add("< " + Short(string.Join(" | ", replies.Select(r => r.Text + (r.Choices.Count > 0 ? " [" + string.Join("][", r.Choices.Select(c => c.Label)) + "]" : "")))));

            if (replies.Count == 0 || replies.All(r => string.IsNullOrWhiteSpace(r.Text)))
                throw new Xunit.Sdk.XunitException($"no answer to \"{Short(text)}\"");
            var all = string.Join("\n", replies.Select(r => r.Text));
            if (All.All.Any(l => all.Contains(l.Get("error.generic"), StringComparison.Ordinal)))
                throw new Xunit.Sdk.XunitException($"the error answer to \"{Short(text)}\"");

            var after = conversations.Load(walk.Urn);
            if (after is { Flow: { } flow, Step: { } step } && !engine.Flows.Flows[flow].Steps.ContainsKey(step))
                throw new Xunit.Sdk.XunitException($"at a step that does not exist: {flow}/{step}");
            var saved = System.Text.RegularExpressions.Regex.IsMatch(all, @"R-[A-Z0-9]{4,8}") && reportBefore is not null;
            if (saved) sent++;
            var reportAfter = ReportFrame(after);
            if (reportBefore is not null && reportAfter is null && !saved && !Allowed(all))
                throw new Xunit.Sdk.XunitException($"her half-written report vanished after \"{Short(text)}\"");
            last = replies;
            shown.AddRange(replies.SelectMany(r => r.Choices));
        }
        return sent;
    }

    /// <summary>The only ways a half-written report may go: discarded by her choice, her account erased, or the flow ended on her word (CANCEL after "delete").</summary>
    private static bool Allowed(string replies) =>
        All.All.Any(l => replies.Contains(l.Get("draft.discarded"), StringComparison.Ordinal) || replies.Contains(l.Get("erase.done"), StringComparison.Ordinal)
            || replies.Contains(l.Get("cancel.done"), StringComparison.Ordinal) || replies.Contains(l.Get("resume.expired"), StringComparison.Ordinal));

    /// <summary>Her report in progress wherever it is: current, interrupted, or kept for later.</summary>
    private static FlowFrame? ReportFrame(ConversationState? state)
    {
        if (state is null) return null;
        if (state.Flow == "report") return state.Frame();
        return state.Stack.LastOrDefault(f => f.Flow == "report") ?? state.Drafts.LastOrDefault(f => f.Flow == "report");
    }

    private string Next(Random random, ConversationEngine engine, ConversationState? state, IReadOnlyList<Reply> last, List<Choice> shown, LocaleTexts texts, Walk walk, MemberDoc member)
    {
        var choices = last.SelectMany(r => r.Choices).ToList();
        var roll = walk.Focused && random.Next(100) < 85 ? random.Next(68) : random.Next(100);
        // Most of the time she answers the question (so that reports do get sent), by value, number or label.
        if (roll < 55 && choices.Count > 0)
        {
            var c = choices[random.Next(choices.Count)];
            return random.Next(3) switch { 0 => c.Value, 1 => (choices.IndexOf(c) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), _ => c.Label };
        }
        if (roll < 68 && StepOf(engine, state) is { Input: { } parser }) return Sample(parser, random);
        if (roll < 76)
        {
            var key = GlobalKeys[random.Next(GlobalKeys.Length)];
            var words = All.All.ElementAt(random.Next(All.All.Count)).Keywords("keywords." + key).ToList();
            if (words.Count > 0) return words[random.Next(words.Count)];
        }
        if (roll < 81 && shown.Count > 0) return shown[random.Next(shown.Count)].Value; // a stale tap on an old button
        if (roll < 84)
        {
            // A warning arrives in the middle of whatever she is doing, and she asks to see it.
            _host.Get<Notifier>().Notify(member, walk.Urn, t => new Reply("Test warning: a client was newly classified."), $"walk:{walk.Seed}:{random.Next()}");
            var show = texts.Keywords("keywords.show").ToList();
            return show.Count > 0 ? show[0] : "show";
        }
        if (roll < 89) return "06 " + random.Next(10, 99) + " 34 56 78";
        return Junk[random.Next(Junk.Length)];
    }

    private static StepDefinition? StepOf(ConversationEngine engine, ConversationState? state) =>
        state is { Flow: { } f, Step: { } s } && engine.Flows.Flows.TryGetValue(f, out var flow) && flow.Steps.TryGetValue(s, out var step) ? step : null;

    private static string Sample(string parser, Random random) => parser switch
    {
        "identifiers" => new[] { "06 12 34 56 78", "client@example.com", "AB-123-CD", "0698765432" }[random.Next(4)],
        "name" => "Marco",
        "date" => new[] { "today", "hier", "12/11", "вчера" }[random.Next(4)],
        "place" or "services-place" => new[] { "13001", "Lyon", "st etienne", "75011" }[random.Next(4)],
        "phone" or "link-number" => "06 98 76 54 32",
        "description" => "About 50, tall, grey beard, red car",
        "departement" => "75",
        "pseudonym" => "Lili",
        _ => new[] { "He threatened me near the station", "3", "15h", "6/10", "none", "penicillin" }[random.Next(6)],
    };

    private static string Short(string s)
    {
        var t = s.Length > 80 ? s[..80] + $"…({s.Length})" : s;
        var sb = new StringBuilder();
        foreach (var c in t) sb.Append(c < ' ' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString().Replace("\n", "\\n");
    }

    public void Dispose() => _host.Dispose();
}

using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>
/// Plays every <c>Transcripts/*.chat</c> file against the real host through the try-it channel. The files are read
/// from the source tree, next to this file. Set JASMINE_TRANSCRIPT_RECORD=1 to print every reply without checking
/// them (to write a new transcript).
/// </summary>
[Collection(TranscriptsCollection.Name)]
public sealed class TranscriptTests(ITestOutputHelper output)
{
    /// <summary>Every transcript starts on this instant (Sunday 15 March 2026, 11:00 in Paris) so dates are fixed.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);

    private static readonly bool Recording = Environment.GetEnvironmentVariable("JASMINE_TRANSCRIPT_RECORD") == "1";

    public static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>Every transcript on every channel: try-it, and Telegram and SMS through their real webhooks and API fakes.</summary>
    public static TheoryData<string, TranscriptChannel> Files()
    {
        var data = new TheoryData<string, TranscriptChannel>();
        foreach (var file in Directory.GetFiles(Folder(), "*.chat").Order(StringComparer.Ordinal))
            foreach (var channel in Enum.GetValues<TranscriptChannel>()) data.Add(Path.GetFileName(file), channel);
        return data;
    }

    [Fact]
    public void There_are_transcripts_in_French_English_and_a_non_Latin_script() =>
        Assert.True(Directory.GetFiles(Folder(), "*.chat").Length >= 3, "expected at least three transcripts in " + Folder());

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Transcript(string file, TranscriptChannel channel)
    {
        var transcript = Tests.Transcripts.Transcript.Load(Path.Combine(Folder(), file));
        output.WriteLine($"# {transcript.Title} ({channel})");
        using var host = new TranscriptHost(new Dictionary<string, string?>(transcript.Settings), new TranscriptClock(Start), channel);
        // SMS folds what GSM-7 lacks (ê → e, ’ → '): expectations are compared folded the same way there.
        string Normalise(string text) => channel == TranscriptChannel.Sms ? TranscriptTests.Normalise(Unaccented(text)) : TranscriptTests.Normalise(text);
        var from = "transcript-" + Path.GetFileNameWithoutExtension(file);
        var log = new StringBuilder();
        string replies = "";
        var cursor = 0;

        void Fail(TranscriptLine line, string why) =>
            throw new Xunit.Sdk.XunitException($"{file}:{line.Number}: {why}\n\n--- conversation so far ---\n{log}");

        foreach (var line in transcript.Lines)
        {
            switch (line)
            {
                case TranscriptLine.Send send:
                    host.Start();
                    var text = Regex.Replace(send.Text, @"\{(code|orgcode)\}", m => host.NewInvite(m.Groups[1].Value == "code" ? MemberRole.Member : MemberRole.Organisation));
                    text = Unescape(text);
                    var (status, got) = await host.Post(from, text);
                    log.AppendLine("> " + text);
                    foreach (var reply in got) log.AppendLine("< " + Render(reply).Replace("\n", "\n  "));
                    output.WriteLine("> " + text);
                    foreach (var reply in got) output.WriteLine("< " + Render(reply).Replace("\n", "\n  "));
                    if (status != HttpStatusCode.OK) Fail(line, $"HTTP {(int)status} for '{text}'");
                    if (got.Count == 0 || got.All(r => string.IsNullOrWhiteSpace(r.Text))) Fail(line, $"no reply to '{text}'");
                    replies = Normalise(string.Join(" | ", got.Select(Render)));
                    cursor = 0;
                    break;
                case TranscriptLine.Expect expect:
                    if (Recording) break;
                    var needle = Normalise(expect.Text);
                    var at = replies.IndexOf(needle, cursor, StringComparison.Ordinal);
                    if (at < 0)
                        Fail(line, replies.IndexOf(needle, StringComparison.Ordinal) >= 0
                            ? $"'{expect.Text}' is in the replies, but before what was expected above it"
                            : $"expected '{expect.Text}' in the replies");
                    cursor = at + needle.Length;
                    break;
                case TranscriptLine.Absent absent:
                    if (!Recording && replies.Contains(Normalise(absent.Text), StringComparison.Ordinal)) Fail(line, $"did not expect '{absent.Text}' in the replies");
                    break;
                case TranscriptLine.Warn or TranscriptLine.Relay:
                    host.Start();
                    var (said, arrived) = line is TranscriptLine.Relay relay
                        ? ($"! relay {relay.Text}", await host.RelayAsync(from, relay.Text))
                        : ("! warn", await host.WarnAsync(from));
                    log.AppendLine(said);
                    foreach (var reply in arrived) log.AppendLine("< " + Render(reply).Replace("\n", "\n  "));
                    output.WriteLine(said);
                    foreach (var reply in arrived) output.WriteLine("< " + Render(reply).Replace("\n", "\n  "));
                    if (arrived.Count == 0) Fail(line, "nothing arrived on her phone");
                    replies = Normalise(string.Join(" | ", arrived.Select(Render)));
                    cursor = 0;
                    break;
                case TranscriptLine.TeamGot team:
                    host.Start();
                    var notes = host.NotesFromHer(from);
                    if (!Recording && !notes.Any(n => n.Contains(team.Text, StringComparison.Ordinal)))
                        Fail(line, $"the team did not get '{team.Text}' (notes from her: {string.Join(" | ", notes)})");
                    break;
                case TranscriptLine.Restart:
                    log.AppendLine("! restart");
                    host.Restart();
                    replies = "";
                    break;
                case TranscriptLine.Wait wait:
                    log.AppendLine($"! wait {wait.By}");
                    host.Clock.Advance(wait.By);
                    break;
                case TranscriptLine.ReportCount count:
                    host.Start();
                    var stored = host.Get<JasmineStore>().Reports.Count();
                    if (!Recording && stored != count.Count) Fail(line, $"expected {count.Count} report(s) stored, found {stored}");
                    break;
                case TranscriptLine.State state:
                    host.Start();
                    var conversation = host.Get<ConversationStore>().Load(host.UrnOf(from));
                    var where = conversation?.Flow is { } flow ? $"{flow}/{conversation.Step}" : null;
                    var ok = state.Where is null ? where is null
                        : state.Where.Contains('/') ? where == state.Where
                        : where?.StartsWith(state.Where + "/", StringComparison.Ordinal) == true;
                    if (!Recording && !ok) Fail(line, $"expected the conversation at '{state.Where ?? "none"}', it is at '{where ?? "none"}'");
                    break;
            }
        }
    }

    /// <summary>"\\u0007", "\\n" and "\\\\" in a message line stand for the character.</summary>
    internal static string Unescape(string text) =>
        Regex.Replace(text, @"\\(u[0-9A-Fa-f]{4}|n|t|\\)", m => m.Groups[1].Value switch
        {
            "n" => "\n",
            "t" => "\t",
            "\\" => "\\",
            var u => ((char)Convert.ToInt32(u[1..], 16)).ToString(),
        });

    /// <summary>A reply as the transcript sees it: its text, then each choice as "[label]".</summary>
    internal static string Render(TryReply reply) =>
        reply.Choices.Count == 0 ? reply.Text : reply.Text + " " + string.Join(" ", reply.Choices.Select(c => $"[{c.Label}]"));

    internal static string Normalise(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    /// <summary>Both sides of an SMS comparison without accents and typographic quotes: the renderer folds them only when that keeps the SMS in GSM-7.</summary>
    internal static string Unaccented(string text)
    {
        var decomposed = Jasmine.Bots.Sms.SmsSegments.ToGsm7Friendly(text).Replace('’', '\'').Replace('«', '"').Replace('»', '"').Replace("œ", "oe").Normalize(NormalizationForm.FormD);
        return new string(decomposed.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray()).Normalize(NormalizationForm.FormC);
    }
}

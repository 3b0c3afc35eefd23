using System.Globalization;
using System.Text.RegularExpressions;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>
/// A golden conversation, as written in a <c>.chat</c> file:
/// <code>
/// # title, then comments
/// ! setting Jasmine:Conversations:ResumePromptAfter=00:05:00   (before the first message)
/// > JOIN {code}         what she sends ({code}: a fresh invite code, {orgcode}: one for an organisation;
///                       \n, \t, \uXXXX and \\ stand for the character; "> " alone sends an empty message)
/// &lt; Choisis ta langue   must appear in the replies to the message above, in this order (whitespace-normalised)
/// &lt;! Recapitulatif     must not appear in those replies
/// ! restart             the host is disposed and a new one started on the same data directory
/// ! warn                a push warning arrives, as the fan-out sends one (discreet: the neutral line and Show)
/// ! wait 2h             the host's clock moves forward (ms, s, m, h, d)
/// = reports 1           number of reports in the store
/// = state report/when   where her conversation stands ("= state none": in no flow)
/// </code>
/// A choice is shown in the replies as "[label]", so "&lt; [Modifier]" checks a button.
/// </summary>
public sealed record Transcript(string Name, string Title, IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<TranscriptLine> Lines)
{
    public static Transcript Load(string path)
    {
        var name = Path.GetFileName(path);
        var lines = new List<TranscriptLine>();
        var settings = new Dictionary<string, string?>();
        string? title = null;
        var number = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = raw.TrimEnd();
            if (line.Trim().Length == 0) continue;
            if (line.StartsWith('#'))
            {
                title ??= line.TrimStart('#').Trim();
                continue;
            }
            if (line.StartsWith("<!", StringComparison.Ordinal)) lines.Add(new TranscriptLine.Absent(number, Arg(line, 2)));
            else if (line.StartsWith('<')) lines.Add(new TranscriptLine.Expect(number, Arg(line, 1)));
            else if (line.StartsWith('>')) lines.Add(new TranscriptLine.Send(number, Arg(line, 1)));
            else if (line.StartsWith('=')) lines.Add(ParseCheck(number, Arg(line, 1)));
            else if (line.StartsWith('!'))
            {
                var command = Arg(line, 1);
                var (verb, rest) = Split(command);
                switch (verb)
                {
                    case "restart": lines.Add(new TranscriptLine.Restart(number)); break;
                    case "warn": lines.Add(new TranscriptLine.Warn(number)); break;
                    case "relay" when rest.Length > 0: lines.Add(new TranscriptLine.Relay(number, rest)); break;
                    case "wait": lines.Add(new TranscriptLine.Wait(number, Duration(rest, name, number))); break;
                    case "setting" when !lines.OfType<TranscriptLine.Send>().Any() && rest.IndexOf('=') > 0:
                        settings[rest[..rest.IndexOf('=')].Trim()] = rest[(rest.IndexOf('=') + 1)..].Trim();
                        break;
                    default: throw new FormatException($"{name}:{number}: unknown or misplaced command '{command}'");
                }
            }
            else throw new FormatException($"{name}:{number}: a line must start with >, <, <!, !, = or #: '{line}'");
        }
        if (lines.FirstOrDefault() is not TranscriptLine.Send) throw new FormatException($"{name}: the first line must be a message (>)");
        return new Transcript(name, title ?? name, settings, lines);
    }

    private static string Arg(string line, int skip) => line[skip..].Trim();

    private static (string Verb, string Tail) Split(string text)
    {
        var space = text.IndexOf(' ');
        return space < 0 ? (text, "") : (text[..space], text[(space + 1)..].Trim());
    }

    private static TranscriptLine ParseCheck(int number, string text)
    {
        var (what, rest) = Split(text);
        return what switch
        {
            "reports" => new TranscriptLine.ReportCount(number, int.Parse(rest, CultureInfo.InvariantCulture)),
            "state" => new TranscriptLine.State(number, rest == "none" ? null : rest),
            "team" when rest.Length > 0 => new TranscriptLine.TeamGot(number, rest),
            _ => throw new FormatException($"line {number}: unknown check '{text}'"),
        };
    }

    private static TimeSpan Duration(string text, string name, int number)
    {
        var m = Regex.Match(text, @"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$");
        if (!m.Success) throw new FormatException($"{name}:{number}: a duration is like 1.5s, 90m, 2h or 3d: '{text}'");
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            _ => TimeSpan.FromDays(value),
        };
    }

    public override string ToString() => Name;
}

public abstract record TranscriptLine(int Number)
{
    public sealed record Send(int Number, string Text) : TranscriptLine(Number);
    public sealed record Expect(int Number, string Text) : TranscriptLine(Number);
    public sealed record Absent(int Number, string Text) : TranscriptLine(Number);
    public sealed record Restart(int Number) : TranscriptLine(Number);
    /// <summary>A push warning arrives (what her phone shows of it becomes "the replies" for the lines below).</summary>
    public sealed record Warn(int Number) : TranscriptLine(Number);
    public sealed record Wait(int Number, TimeSpan By) : TranscriptLine(Number);
    /// <summary>The staff member holding her latest case writes to her through the bot (what her phone shows becomes "the replies").</summary>
    public sealed record Relay(int Number, string Text) : TranscriptLine(Number);
    /// <summary>Her words reached the team: the latest case holds a note from her containing the text.</summary>
    public sealed record TeamGot(int Number, string Text) : TranscriptLine(Number);
    public sealed record ReportCount(int Number, int Count) : TranscriptLine(Number);
    /// <summary>"flow/step", "flow" alone, or null for no flow.</summary>
    public sealed record State(int Number, string? Where) : TranscriptLine(Number);
}

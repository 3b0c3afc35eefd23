using System.Globalization;
using System.Text;
using Jasmine.Bots.Conversations;
using Telegram.Bot.Types.ReplyMarkups;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary>How a neutral message looks on Telegram: HTML text (escaped), choices as inline buttons.</summary>
public static class TelegramRendering
{
    /// <summary>Telegram refuses longer texts; ours are far shorter, but a long list must not be lost.</summary>
    public const int MaxTextLength = 4096;
    public const int MaxCallbackDataBytes = 64;
    /// <summary>Labels up to this length sit two to a row; longer ones get a row each so nothing is cut.</summary>
    public const int ShortLabel = 16;

    /// <summary>Everything we send is HTML; a pseudonym like "&lt;b&gt;" must show as typed, not break the message.</summary>
    public static string Html(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    public static InlineKeyboardMarkup? Keyboard(IReadOnlyList<Choice> choices)
    {
        if (choices.Count == 0) return null;
        var buttons = choices.Select((c, i) => InlineKeyboardButton.WithCallbackData(c.Label, CallbackData(c.Value, i + 1))).ToList();
        var perRow = choices.All(c => c.Label.Length <= ShortLabel) ? 2 : 1;
        return new InlineKeyboardMarkup(buttons.Chunk(perRow));
    }

    /// <summary>
    /// A value too long for Telegram's 64 bytes is sent as the choice's number instead: the engine accepts a
    /// choice's number as the choice.
    /// </summary>
    public static string CallbackData(string value, int number) =>
        value.Length > 0 && Encoding.UTF8.GetByteCount(value) <= MaxCallbackDataBytes ? value : number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Cuts escaped text into parts Telegram accepts, at line breaks when it can, never inside an entity.</summary>
    public static IReadOnlyList<string> Split(string html, int max = MaxTextLength)
    {
        if (html.Length <= max) return [html];
        var parts = new List<string>();
        var rest = html.AsSpan();
        while (rest.Length > max)
        {
            var cut = rest[..max].LastIndexOf('\n');
            if (cut < max / 2)
            {
                cut = max;
                var amp = rest[..cut].LastIndexOf('&');
                if (amp >= 0 && rest[amp..cut].IndexOf(';') < 0) cut = amp;
            }
            parts.Add(rest[..cut].ToString());
            rest = rest[cut..].TrimStart('\n');
        }
        if (rest.Length > 0) parts.Add(rest.ToString());
        return parts;
    }
}

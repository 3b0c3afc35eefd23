using System.Text;
using System.Xml;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>Replies to Twilio's webhook, served as <see cref="ContentType"/>.</summary>
public static class TwiML
{
    public const string ContentType = "text/xml";

    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    /// <summary>Acknowledges the webhook and sends nothing back.</summary>
    public static string Empty() => Declaration + "<Response></Response>";

    public static string Message(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Declaration + "<Response><Message>" + Escape(text) + "</Message></Response>";
    }

    // Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates) are dropped rather than making
    // Twilio reject the whole document.
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (XmlConvert.IsXmlChar(c))
                        sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}

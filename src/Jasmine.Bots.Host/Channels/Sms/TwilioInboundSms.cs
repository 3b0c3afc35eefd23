using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Jasmine.Bots.Channels.Sms;

/// <summary>The fields we use from Twilio's inbound webhook form; any other key Twilio adds is ignored.</summary>
public sealed record TwilioInboundSms(string MessageSid, string From, string To, string Body, int NumMedia)
{
    /// <summary>Null when the form lacks MessageSid, From or To, i.e. is not an inbound message.</summary>
    public static TwilioInboundSms? FromForm(IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string? sid = null, from = null, to = null, body = null, numMedia = null;
        foreach (var (key, value) in form)
        {
            // First value wins: none of these keys is legitimately repeated.
            switch (key)
            {
                case "MessageSid": sid ??= value; break;
                case "From": from ??= value; break;
                case "To": to ??= value; break;
                case "Body": body ??= value; break;
                case "NumMedia": numMedia ??= value; break;
            }
        }
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to))
            return null;

        // A picture without a caption arrives with an empty Body.
        var media = int.TryParse(numMedia, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new TwilioInboundSms(sid, from, to, body ?? "", media);
    }

    public static TwilioInboundSms? FromForm(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return FromForm(TwilioSignature.Flatten(form));
    }

    // The generated ToString would print the number and the text into any log that formats this record.
    public override string ToString() => $"TwilioInboundSms {{ MessageSid = {MessageSid}, NumMedia = {NumMedia} }}";
}

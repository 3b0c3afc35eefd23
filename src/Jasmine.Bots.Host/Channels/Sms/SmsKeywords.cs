namespace Jasmine.Bots.Channels.Sms;

public enum SmsKeywordKind { OptOut, OptIn, Help }

/// <summary>
/// Carrier keywords. Twilio acts on them itself (a STOP blocks further sends with 21610) yet still forwards the
/// message, so we must honour them too. They count only when they are the whole message.
/// </summary>
public static class SmsKeywords
{
    private static readonly Dictionary<string, SmsKeywordKind> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["STOP"] = SmsKeywordKind.OptOut,
        ["STOPALL"] = SmsKeywordKind.OptOut,
        ["UNSUBSCRIBE"] = SmsKeywordKind.OptOut,
        ["END"] = SmsKeywordKind.OptOut,
        ["QUIT"] = SmsKeywordKind.OptOut,
        ["REVOKE"] = SmsKeywordKind.OptOut,
        ["OPTOUT"] = SmsKeywordKind.OptOut,
        ["CANCEL"] = SmsKeywordKind.OptOut,
        // French operators' usual opt-out wording.
        ["ARRET"] = SmsKeywordKind.OptOut,
        ["ARRÊT"] = SmsKeywordKind.OptOut,
        // Only Twilio's own opt-in words: a French "OUI" is an ordinary answer in a conversation.
        ["START"] = SmsKeywordKind.OptIn,
        ["YES"] = SmsKeywordKind.OptIn,
        ["UNSTOP"] = SmsKeywordKind.OptIn,
        ["HELP"] = SmsKeywordKind.Help,
        ["INFO"] = SmsKeywordKind.Help,
        ["AIDE"] = SmsKeywordKind.Help,
    };

    public static SmsKeywordKind? Classify(string? body) =>
        body is not null && Keywords.TryGetValue(body.Trim(), out var kind) ? kind : null;
}

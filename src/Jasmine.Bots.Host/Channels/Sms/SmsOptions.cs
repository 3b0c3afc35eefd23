namespace Jasmine.Bots.Channels.Sms;

/// <summary>Bound from <c>Sms</c>: which gateway carries the SMS channel.</summary>
public sealed class SmsOptions
{
    public const string SectionName = "Sms";
    public const string Twilio = "twilio";
    public const string AndroidGateway = "android-gateway";

    /// <summary><c>twilio</c> (the default, for existing set-ups) or <c>android-gateway</c>.</summary>
    public string Provider { get; set; } = Twilio;

    internal bool IsKnownProvider => Provider is Twilio or AndroidGateway;
}

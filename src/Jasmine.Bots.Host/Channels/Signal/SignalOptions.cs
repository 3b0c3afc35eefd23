using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>Settings of the Signal channel, bound from the <c>Signal</c> configuration section.</summary>
public sealed class SignalOptions
{
    public const string SectionName = "Signal";

    /// <summary>Base address of signal-cli-rest-api, e.g. <c>http://signal-api:8080/</c>.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>Our registered Signal account, in E.164 form.</summary>
    public string? Number { get; set; }

    /// <summary>How long signal-cli waits for messages during one <c>GET /v1/receive</c>.</summary>
    public int ReceiveTimeoutSeconds { get; set; } = 10;

    /// <summary>First pause after the API failed; doubled on each further failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest pause between two attempts while the API stays down.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many messages per receive (<c>max_messages</c>): a busy receive must end well before
    /// the API kills signal-cli (120 s), which would lose messages already taken off Signal's servers.</summary>
    public int MaxMessages { get; set; } = 50;

    /// <summary>
    /// What to do when a person's safety number changes (new phone, reinstall): <c>notify</c> (default) trusts her new
    /// key through the trust endpoint when a message to or from her fails for it, and tells her; <c>always</c> sets
    /// signal-cli's own <c>trust_mode</c> to always at start (no note: signal-cli trusts silently); <c>manual</c> trusts
    /// nothing, an admin does it (messages to her wait in the outbox). See docs/signal.md.
    /// </summary>
    public string TrustMode { get; set; } = SignalTrustModes.Notify;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiBaseUrl) && !string.IsNullOrWhiteSpace(Number);
}

internal sealed class SignalOptionsValidator : IValidateOptions<SignalOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalOptions options)
    {
        var baseUrlSet = !string.IsNullOrWhiteSpace(options.ApiBaseUrl);
        var numberSet = !string.IsNullOrWhiteSpace(options.Number);
        if (!baseUrlSet && !numberSet)
        {
            // Signal is optional: a deployment without it simply has no Signal channel.
            return ValidateOptionsResult.Skip;
        }

        // Values are deliberately left out of the messages: the number is a phone number and these end up in logs.
        var failures = new List<string>();
        if (!baseUrlSet || !numberSet)
        {
            failures.Add("Signal:ApiBaseUrl and Signal:Number must be set together (half a configuration would silently disable Signal).");
        }
        if (baseUrlSet && (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add("Signal:ApiBaseUrl must be an absolute http(s) URL.");
        }
        if (numberSet && !SignalEnvelopes.IsE164(options.Number))
        {
            failures.Add("Signal:Number must be in E.164 form (+ then country code and number).");
        }
        if (options.ReceiveTimeoutSeconds is < 1 or > 300)
        {
            failures.Add("Signal:ReceiveTimeoutSeconds must be between 1 and 300.");
        }
        if (options.MaxMessages is < 1 or > 1000)
        {
            failures.Add("Signal:MaxMessages must be between 1 and 1000.");
        }
        if (options.TrustMode is not (SignalTrustModes.Notify or SignalTrustModes.Always or SignalTrustModes.Manual))
        {
            failures.Add("Signal:TrustMode must be notify, always or manual.");
        }
        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add("Signal:InitialBackoff must be positive and not above Signal:MaxBackoff.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class SignalTrustModes
{
    public const string Notify = "notify";
    public const string Always = "always";
    public const string Manual = "manual";
}

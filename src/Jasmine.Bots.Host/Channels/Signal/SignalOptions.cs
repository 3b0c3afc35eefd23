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
        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add("Signal:InitialBackoff must be positive and not above Signal:MaxBackoff.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

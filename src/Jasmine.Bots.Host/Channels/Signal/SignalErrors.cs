using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Jasmine.Bots.Channels.Signal;

/// <summary>What a failed signal-cli-rest-api call means, sorted by what to do about it.</summary>
public enum SignalErrorKind
{
    None,
    /// <summary>Signal's servers throttle the account: wait, the whole account, not just this chat.</summary>
    RateLimited,
    /// <summary>Signal wants a CAPTCHA solved for this account (proof required): wait, and tell an admin.</summary>
    Captcha,
    /// <summary>signal-cli could not reach Signal's servers (or an answer was lost): try again.</summary>
    Network,
    /// <summary>The API killed signal-cli after its command timeout (120 s by default): try again.</summary>
    Killed,
    /// <summary>Her safety number changed and signal-cli does not trust the new one yet.</summary>
    UntrustedIdentity,
    /// <summary>The recipient is not (or no longer) on Signal: retrying will not help.</summary>
    Unregistered,
    /// <summary>Our own account is not registered with the API (set-up problem): wait for an admin.</summary>
    AccountNotRegistered,
    /// <summary>The API refused the request itself (our bug or a version mismatch): retrying will not help.</summary>
    BadRequest,
    /// <summary>Anything else, 5xx included: retried a bounded number of times, never dropped at once.</summary>
    Unknown,
}

/// <summary>
/// Reads the meaning of an error out of signal-cli-rest-api's answer. In normal/native mode every signal-cli failure
/// is HTTP 400 with signal-cli's combined stdout+stderr in <c>error</c> (src/client/cli.go, <c>Execute</c>), so the
/// text is the only detail; json-rpc mode answers 429 with <c>challenge_tokens</c> (src/api/api.go, <c>SendV2</c>).
/// The texts come from signal-cli (SendMessageResultUtils, JsonSendMessageResult, Main) and libsignal-service. The
/// text is read here and thrown away: it names the recipient (number or uuid), so it is never logged nor kept.
/// </summary>
public static partial class SignalErrors
{
    public static bool IsRetryable(SignalErrorKind kind) =>
        kind is SignalErrorKind.RateLimited or SignalErrorKind.Captcha or SignalErrorKind.Network or SignalErrorKind.Killed
            or SignalErrorKind.UntrustedIdentity or SignalErrorKind.AccountNotRegistered or SignalErrorKind.Unknown;

    /// <summary>Sorts an error answer. <paramref name="text"/> is the <c>error</c> field (or the raw body).</summary>
    public static SignalErrorKind Classify(HttpStatusCode status, string? text, bool hasChallengeTokens = false)
    {
        if (status == HttpStatusCode.TooManyRequests)
        {
            // json-rpc mode: only a proof-required failure carries challenge tokens (a CAPTCHA lifts it).
            return hasChallengeTokens || Contains(text, "challenge") && Contains(text, "captcha") ? SignalErrorKind.Captcha : SignalErrorKind.RateLimited;
        }
        if ((int)status >= 500 || status == HttpStatusCode.RequestTimeout)
        {
            return Classify(text) is var kind && kind != SignalErrorKind.BadRequest && kind != SignalErrorKind.Unknown ? kind : SignalErrorKind.Unknown;
        }
        return Classify(text);
    }

    /// <summary>Sorts signal-cli's text alone (also the <c>reason</c> of a per-recipient error in a 201 answer).</summary>
    public static SignalErrorKind Classify(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return SignalErrorKind.Unknown;
        // The API's own validation ("Couldn't process request - …"): the request itself is wrong.
        if (text.StartsWith("Couldn't process request", StringComparison.OrdinalIgnoreCase)) return SignalErrorKind.BadRequest;
        // Order matters: a CAPTCHA failure also says "rate limit" in some versions; an untrusted identity failure
        // ends with the generic "Failed to send message".
        if (Contains(text, "CAPTCHA proof required") || Contains(text, "ProofRequired") || Contains(text, "proof required"))
            return SignalErrorKind.Captcha;
        if (Contains(text, "RATE_LIMIT_FAILURE") || Contains(text, "Rate limit") || Contains(text, "rate limiting")
            || Contains(text, "RateLimitException") || Contains(text, "[413]") || Contains(text, "[429]"))
            return SignalErrorKind.RateLimited;
        if (Contains(text, "UNREGISTERED_FAILURE") || Contains(text, "Unregistered user") || Contains(text, "UnregisteredUserException")
            || Contains(text, "UnregisteredRecipient"))
            return SignalErrorKind.Unregistered;
        if (Contains(text, "IDENTITY_FAILURE") || Contains(text, "Untrusted Identity") || Contains(text, "untrusted identit")
            || Contains(text, "UntrustedIdentity") || Contains(text, "untrusted recipient keys"))
            return SignalErrorKind.UntrustedIdentity;
        if (Contains(text, "process killed as timeout reached"))
            return SignalErrorKind.Killed;
        if (Contains(text, "NETWORK_FAILURE") || Contains(text, "Network failure") || Contains(text, "NonSuccessfulResponseCode")
            || Contains(text, "PushNetworkException") || Contains(text, "SocketTimeoutException") || Contains(text, "UnknownHostException")
            || Contains(text, "Connection reset") || Contains(text, "TimeoutException") || Contains(text, "INVALID_PRE_KEY_FAILURE"))
            return SignalErrorKind.Network;
        // "User +33… is not registered." is about our own account (signal-cli has no such account): a set-up problem.
        if (Contains(text, "is not registered") || Contains(text, "User is not registered") || Contains(text, "not registered."))
            return SignalErrorKind.AccountNotRegistered;
        if (Contains(text, "Invalid recipient") || Contains(text, "Invalid identifier") || Contains(text, "Please provide"))
            return SignalErrorKind.BadRequest;
        return SignalErrorKind.Unknown;
    }

    /// <summary>How long Signal asked us to wait, when the text says it ("retry after 30 seconds", "or wait \"30\" seconds").</summary>
    public static TimeSpan? RetryAfter(string? text)
    {
        if (text is null) return null;
        var m = RetryAfterSeconds().Match(text);
        if (!m.Success || !int.TryParse(m.Groups["s"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return null;
        // Capped: a day-long wait read from a garbled text must not freeze the channel.
        return seconds > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, 3600)) : null;
    }

    private static bool Contains(string? text, string part) => text is not null && text.Contains(part, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("""(?:retry after|or wait)\s*"?(?<s>\d{1,6})"?\s*seconds""", RegexOptions.IgnoreCase)]
    private static partial Regex RetryAfterSeconds();
}

using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Channels.Telegram;

/// <summary>Settings of the Telegram channel, bound from the <c>Telegram</c> section (user-secrets or environment, never appsettings).</summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";

    /// <summary>From BotFather, <c>123456:ABC…</c>. Without it there is no Telegram channel.</summary>
    public string? BotToken { get; set; }

    /// <summary>What Telegram puts in <c>X-Telegram-Bot-Api-Secret-Token</c>; when empty, kept in <c>telegram.secret</c> in the data directory.</summary>
    public string? SecretToken { get; set; }

    /// <summary>Another Bot API server (a local telegram-bot-api, or a fake in tests); null means Telegram's own.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary><c>webhook</c> (production) or <c>polling</c> (development, no public URL needed).</summary>
    public string Mode { get; set; } = "webhook";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BotToken);
    public bool IsPolling => string.Equals(Mode, "polling", StringComparison.OrdinalIgnoreCase);
}

internal sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        if (!options.IsConfigured) return ValidateOptionsResult.Skip;
        // Values never appear in these messages: they end up in logs and the token is a credential.
        var failures = new List<string>();
        if (!TokenPattern().IsMatch(options.BotToken!))
            failures.Add("Telegram:BotToken does not look like a bot token (digits, ':' then letters, digits, '_' or '-').");
        if (!string.IsNullOrEmpty(options.SecretToken) && !TelegramSecret.IsValid(options.SecretToken))
            failures.Add("Telegram:SecretToken must be 1 to 256 characters of A-Z a-z 0-9 _ -.");
        if (options.ApiBaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            failures.Add("Telegram:ApiBaseUrl must be an absolute http(s) URL.");
        if (options.Mode is not ("webhook" or "polling"))
            failures.Add("Telegram:Mode must be 'webhook' or 'polling'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(@"^[0-9]+:[A-Za-z0-9_-]+$")]
    private static partial Regex TokenPattern();
}

/// <summary>
/// The webhook secret: from configuration, or generated once into <c>telegram.secret</c> (0600) so that
/// set-webhook and the running host agree without anyone having to invent one.
/// </summary>
public sealed partial class TelegramSecret
{
    private readonly Lazy<string> _value;
    private readonly Lazy<byte[]> _bytes;

    public TelegramSecret(IOptions<TelegramOptions> telegram, IOptions<JasmineOptions> jasmine)
    {
        _value = new(() => Resolve(telegram.Value, jasmine.Value));
        _bytes = new(() => Encoding.ASCII.GetBytes(_value.Value));
    }

    public string Value => _value.Value;

    /// <summary>Constant-time: the time taken says nothing about how much of a forged header was right.</summary>
    public bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 256) return false;
        Span<byte> buffer = stackalloc byte[256];
        var length = Encoding.ASCII.GetBytes(presented, buffer);
        return CryptographicOperations.FixedTimeEquals(buffer[..length], _bytes.Value);
    }

    public static bool IsValid(string? secret) => secret is { Length: >= 1 and <= 256 } && SecretPattern().IsMatch(secret);

    private static string Resolve(TelegramOptions telegram, JasmineOptions jasmine)
    {
        if (!string.IsNullOrEmpty(telegram.SecretToken)) return telegram.SecretToken;
        var path = jasmine.DataPath("telegram.secret");
        if (File.Exists(path))
        {
            var stored = File.ReadAllText(path).Trim();
            return IsValid(stored) ? stored : throw new InvalidOperationException("The telegram.secret file in the data directory is not a valid secret token; delete it to get a new one, then run 'telegram set-webhook' again.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // 32 random bytes in base64url: 43 characters, all within Telegram's alphabet.
        var created = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, fileOptions);
            using var writer = new StreamWriter(stream);
            writer.Write(created);
        }
        catch (IOException) when (File.Exists(path))
        {
            // The admin command line and the host raced to create it: the first one wins, both read it.
            return File.ReadAllText(path).Trim();
        }
        return created;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SecretPattern();
}

using System.Diagnostics;
using System.Net.Http.Json;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>
/// A clock that starts at a fixed instant (so that "yesterday" is always the same date in a transcript), runs at
/// the speed of real time from there, and can be moved forward by hand ("! wait 2h").
/// </summary>
public sealed class TranscriptClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    public TimeSpan Offset { get; private set; }

    public void Advance(TimeSpan by) => Offset += by;

    public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(_origin) + Offset;
}

/// <summary>The channel a transcript is played on: the same words, through that channel's real webhook and a loopback fake of its API.</summary>
public enum TranscriptChannel { Try, Telegram, Sms }

/// <summary>
/// The real host (<see cref="JasmineFactory"/>) on a data directory of its own, with <see cref="TranscriptClock"/>
/// instead of the system clock, that can be stopped and started again on the same data (a restart). On Telegram and
/// SMS the messages go in through the channel's webhook (secret or signature checked, de-duplicated, the turn, the
/// outbox) and the answers are read off the fake Bot API or the fake Twilio API, as a person would see them.
/// </summary>
public sealed class TranscriptHost : IDisposable, IAsyncDisposable
{
    private const string TelegramToken = "123456:TRANSCRIPT-token";
    private const string TelegramSecret = "transcript_secret-0123456789";
    private const string SmsUrl = "https://bots.jasmine.example/channels/sms/twilio";
    private const string SmsNumber = "+33700000009";
    private readonly Dictionary<string, string?> _settings;
    private JasmineFactory? _app;
    private HttpClient? _http;
    private FakeTelegramServer? _telegram;
    private Fakes.FakeTwilioServer? _twilio;
    private int _updateId = 700_000;
    private readonly Dictionary<string, IReadOnlyList<TryReply>> _last = new(StringComparer.Ordinal);

    public TranscriptHost(Dictionary<string, string?>? settings = null, TranscriptClock? clock = null, TranscriptChannel channel = TranscriptChannel.Try)
    {
        _settings = settings ?? [];
        Channel = channel;
        Clock = clock ?? new TranscriptClock(DateTimeOffset.UtcNow);
        DataDirectory = Path.Combine(Path.GetTempPath(), "jasmine-tests", "transcript-" + Guid.NewGuid().ToString("N"));
    }

    public TranscriptChannel Channel { get; }
    public TranscriptClock Clock { get; }
    public string DataDirectory { get; }
    public bool Started => _app is not null;

    private JasmineFactory App => _app ?? throw new InvalidOperationException("The host is not started.");
    public HttpClient Http => _http ?? throw new InvalidOperationException("The host is not started.");

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public void Start()
    {
        if (_app is not null) return;
        var settings = new Dictionary<string, string?>(_settings);
        switch (Channel)
        {
            case TranscriptChannel.Telegram:
                _telegram ??= FakeTelegramServer.StartAsync(TelegramToken).GetAwaiter().GetResult();
                settings["Telegram:BotToken"] = TelegramToken;
                settings["Telegram:ApiBaseUrl"] = _telegram.BaseUrl;
                settings["Telegram:SecretToken"] = TelegramSecret;
                settings["Channels:Limits:telegram:PerSecond"] = "1000";
                settings["Channels:Limits:telegram:PerConversationPerSecond"] = "100";
                break;
            case TranscriptChannel.Sms:
                _twilio ??= Fakes.FakeTwilioServer.StartAsync().GetAwaiter().GetResult();
                settings["Sms:Twilio:AccountSid"] = _twilio.AccountSid;
                settings["Sms:Twilio:AuthToken"] = _twilio.AuthToken;
                settings["Sms:Twilio:From"] = SmsNumber;
                settings["Sms:Twilio:ApiBaseUrl"] = _twilio.BaseUrl;
                settings["Sms:Twilio:WebhookUrl"] = SmsUrl;
                settings["Channels:Limits:tel:PerSecond"] = "1000";
                break;
        }
        _app = new JasmineFactory(settings, DataDirectory, services: s => s.AddSingleton<TimeProvider>(Clock));
        _http = _app.CreateClient();
    }

    /// <summary>Stops the host (the store is closed) and starts a new one on the same data directory.</summary>
    public void Restart()
    {
        Stop();
        Start();
    }

    private void Stop()
    {
        _http?.Dispose();
        _app?.Dispose();
        _http = null;
        _app = null;
    }

    public string NewInvite(MemberRole role = MemberRole.Member) => Get<MemberService>().CreateInvite(null, role);

    /// <summary>Where this person's conversation lives on the transcript's channel.</summary>
    public string UrnOf(string from) => Channel switch
    {
        TranscriptChannel.Telegram => Urns.Telegram(ChatId(from)),
        TranscriptChannel.Sms => Urns.Sms(PhoneOf(from)),
        _ => Urns.Try(from),
    };

    /// <summary>Sends one message as this person would on the channel; a failed request is returned, not thrown.</summary>
    public async Task<(System.Net.HttpStatusCode Status, IReadOnlyList<TryReply> Replies)> Post(string from, string text)
    {
        (System.Net.HttpStatusCode Status, IReadOnlyList<TryReply> Replies) result = Channel switch
        {
            TranscriptChannel.Telegram => await PostTelegram(from, text),
            TranscriptChannel.Sms => await PostSms(from, text),
            _ => await PostTry(from, text),
        };
        if (result.Replies.Count > 0) _last[from] = result.Replies;
        return result;
    }

    private async Task<(System.Net.HttpStatusCode, IReadOnlyList<TryReply>)> PostTry(string from, string text)
    {
        using var request = TryCookie.Request(App.Services, HttpMethod.Post, "/try/messages", from, JsonContent.Create(new { text }));
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, []);
        var body = await response.Content.ReadFromJsonAsync<TryResponse>();
        return (response.StatusCode, body?.Replies ?? []);
    }

    /// <summary>
    /// A push warning reaches her, through the notifier the fan-out uses (discreet: the neutral line and Show), and
    /// what her phone shows of it is returned.
    /// </summary>
    public Task<IReadOnlyList<TryReply>> WarnAsync(string from)
    {
        var urn = UrnOf(from);
        var member = Get<MemberService>().FindByAddress(urn) ?? throw new InvalidOperationException("! warn needs a member");
        return ArrivingAsync(from, () =>
            Get<Jasmine.Bots.Alerts.Notifier>().Notify(member, urn, _ => new Reply("Alert: +33 6 11 22 33 44 was just classified VERY DANGEROUS."), "transcript-warn:" + Guid.NewGuid().ToString("N")));
    }

    /// <summary>The staff member holding her latest case writes to her, as the console's relay does.</summary>
    public Task<IReadOnlyList<TryReply>> RelayAsync(string from, string text)
    {
        var reference = LatestCase(from).Reference;
        return ArrivingAsync(from, () =>
        {
            if (!Get<Jasmine.Bots.FollowUp.CaseService>().RelayToVictim(reference, text, "staff-transcript"))
                throw new InvalidOperationException($"! relay: case {reference} refused the message");
        });
    }

    /// <summary>What she wrote to the team on her latest case, as the staff console shows it.</summary>
    public IReadOnlyList<string> NotesFromHer(string from)
    {
        var cases = Get<Jasmine.Bots.FollowUp.CaseService>();
        return LatestCase(from).Notes.Where(n => n.Kind == "from-her").Select(n => cases.NoteText(n)).ToList();
    }

    private Jasmine.Bots.FollowUp.CaseDoc LatestCase(string from)
    {
        var member = Get<MemberService>().FindByAddress(UrnOf(from)) ?? throw new InvalidOperationException("! relay needs a member");
        return Get<Jasmine.Bots.FollowUp.CaseService>().Cases.Find(c => c.MemberId == member.Id).OrderByDescending(c => c.CreatedAt).FirstOrDefault()
            ?? throw new InvalidOperationException("! relay needs a case: a report that asked to be contacted");
    }

    /// <summary>Runs <paramref name="act"/> (something the service sends on its own) and returns what her phone shows of it.</summary>
    private async Task<IReadOnlyList<TryReply>> ArrivingAsync(string from, Action act)
    {
        var telegramBefore = _telegram?.MessagesTo(ChatId(from)).Count ?? 0;
        var smsBefore = _twilio?.Messages.Count(m => m.To == PhoneOf(from)) ?? 0;
        act();
        await WaitUntilSentAsync();
        IReadOnlyList<TryReply> got = Channel switch
        {
            TranscriptChannel.Telegram => _telegram!.MessagesTo(ChatId(from)).Skip(telegramBefore).Where(m => m.Text is not null)
                .Select(m => new TryReply(TelegramText(m.Text!), m.Buttons.Select(b => new TryChoice(b.Label, b.Data)).ToList())).ToList(),
            TranscriptChannel.Sms => _twilio!.Messages.Where(m => m.To == PhoneOf(from)).Skip(smsBefore).Select(m => SmsReply(m.Body)).ToList(),
            _ => await DrainTry(from),
        };
        if (got.Count > 0) _last[from] = got;
        return got;
    }

    private async Task<IReadOnlyList<TryReply>> DrainTry(string from)
    {
        using var request = TryCookie.Request(App.Services, HttpMethod.Get, "/try/messages", from);
        using var response = await Http.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<TryResponse>())?.Replies ?? [];
    }

    private static long ChatId(string from) => 100_000_000 + (uint)StableHash(from) % 800_000_000;

    private static string PhoneOf(string from) => "+33612" + ((uint)StableHash(from) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }

    /// <summary>The label of one of the buttons she was last shown, if the text is one (she taps it rather than typing it).</summary>
    private Choice? Tapped(string from, string text) =>
        _last.TryGetValue(from, out var last)
            ? last.SelectMany(r => r.Choices).Where(c => string.Equals(c.Label.Trim(), text.Trim(), StringComparison.OrdinalIgnoreCase)).Select(c => new Choice(c.Label, c.Value)).LastOrDefault()
            : null;

    private async Task<(System.Net.HttpStatusCode, IReadOnlyList<TryReply>)> PostTelegram(string from, string text)
    {
        var chat = ChatId(from);
        var before = _telegram!.MessagesTo(chat).Count;
        var tap = Tapped(from, text);
        var update = tap is not null && _telegram.MessagesTo(chat).LastOrDefault(m => m.Buttons.Any(b => b.Data == tap.Value)) is { } under
            ? Telegram.Updates.Callback(Interlocked.Increment(ref _updateId), chat, tap.Value, under.MessageId)
            : Telegram.Updates.Text(Interlocked.Increment(ref _updateId), chat, text);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram")
        {
            Content = new StringContent(update.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramSecret);
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, []);
        await WaitUntilSentAsync();
        var replies = _telegram.MessagesTo(chat).Skip(before).Where(m => m.Text is not null)
            .Select(m => new TryReply(TelegramText(m.Text!), m.Buttons.Select(b => new TryChoice(b.Label, b.Data)).ToList())).ToList();
        return (response.StatusCode, replies);
    }

    /// <summary>Telegram gets HTML: tags dropped and entities read back, as the app shows them.</summary>
    private static string TelegramText(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", ""));

    private int _sid;

    private async Task<(System.Net.HttpStatusCode, IReadOnlyList<TryReply>)> PostSms(string from, string text)
    {
        var phone = PhoneOf(from);
        var before = _twilio!.Messages.Count(m => m.To == phone);
        // On a basic phone she answers a numbered choice with its number.
        if (Tapped(from, text) is { } tap && _last.TryGetValue(from, out var shown))
        {
            var index = shown.SelectMany(r => r.Choices).Select((c, i) => (c, i)).Last(p => p.c.Value == tap.Value).i;
            text = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", $"SM{Interlocked.Increment(ref _sid):D32}"), new("AccountSid", _twilio.AccountSid), new("From", phone),
            new("To", SmsNumber), new("Body", text), new("NumMedia", "0"), new("NumSegments", "1"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/sms/twilio") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Jasmine.Bots.Channels.Sms.TwilioSignature.Compute(_twilio.AuthToken, SmsUrl, form));
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode) return (response.StatusCode, []);
        await WaitUntilSentAsync();
        var bodies = _twilio.Messages.Where(m => m.To == phone).Skip(before).Select(m => m.Body).ToList();
        return (response.StatusCode, bodies.Select(SmsReply).ToList());
    }

    /// <summary>An SMS as the transcript reads it: the numbered lines that end it ("1. Yes") become the choices "[Yes]".</summary>
    private static TryReply SmsReply(string text)
    {
        var lines = text.Split('\n').ToList();
        var choices = new List<TryChoice>();
        while (lines.Count > 0 && System.Text.RegularExpressions.Regex.Match(lines[^1], @"^(\d{1,2})\. (.+)$") is { Success: true } m)
        {
            choices.Insert(0, new TryChoice(m.Groups[2].Value.Trim(), m.Groups[1].Value));
            lines.RemoveAt(lines.Count - 1);
        }
        return new TryReply(string.Join("\n", lines), choices);
    }

    private async Task WaitUntilSentAsync()
    {
        var dispatcher = Get<Jasmine.Bots.Channels.Outbox.OutboxDispatcher>();
        var watch = Stopwatch.StartNew();
        // The webhook answered once the replies were queued; the dispatcher sends them just after.
        await Task.Delay(5);
        while (!dispatcher.IsIdle)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException("The outbox still had messages after 20 s.");
            await Task.Delay(5);
        }
    }

    public void Dispose()
    {
        Stop();
        _telegram?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _twilio?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Fakes;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Wipe;

namespace Jasmine.Bots.Tests.Signal;

/// <summary>Signal as it is today, end to end through the fake in normal mode: hidden numbers, 400 + text errors,
/// changed safety numbers, remote deletes that must be retried.</summary>
public sealed class SignalTodayTests : IAsyncLifetime
{
    private FakeSignalServer _signal = null!;
    private JasmineFactory _host = null!;

    private static LocaleTexts En => Locales.Load(Path.Combine(Jasmine.Bots.Tests.Conversations.LocaleTests.Root(), "locales"))["en"];

    public async Task InitializeAsync()
    {
        _signal = await FakeSignalServer.StartAsync();
        _host = SignalHosts.Start(_signal);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _signal.DisposeAsync();
    }

    private async Task<string> Say(string who, string text)
    {
        var before = _signal.SentTo(who).Count;
        _signal.EnqueueText(who, text);
        var dispatcher = _host.Get<OutboxDispatcher>();
        await Eventually.True(() => _signal.SentTo(who).Count > before && dispatcher.IsIdle, $"an answer to '{text}'");
        return string.Join("\n---\n", _signal.SentTo(who).Skip(before).Select(s => s.Message));
    }

    private async Task JoinAsync(string who, string disappearing = "1")
    {
        await Say(who, "JOIN " + _host.NewInvite());
        await Say(who, "lang:en");
        await Say(who, "1");
        await Say(who, disappearing);
        await Say(who, "Lili");
        Assert.Contains("welcome", await Say(who, "75"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_uuid_only_newcomer_joins_screens_a_number_and_wipes_her_chat()
    {
        const string number = "+33611114001";
        var uuid = _signal.AddPerson(number, hidesNumber: true);

        await JoinAsync(number);
        Assert.Contains("+33 6 12 34 56 78", await Say(number, "06 12 34 56 78"));
        var sentBefore = _signal.SentTo(number).Select(s => s.Timestamp).ToList();

        await Say(number, "WIPE");
        Assert.Contains(En.Get("wipe.done_signal"), _signal.SentTo(number).Last().Message);
        await Eventually.True(() => _signal.RemoteDeletionsFor(number).Count >= sentBefore.Count && _signal.ContactUpdatesFor(number).Count == 1,
            "her chat wiped and disappearing messages on");

        // Everything went to her uuid: the API never saw (nor needed) her number.
        Assert.All(_signal.SentTo(number), s => Assert.Equal([uuid], s.Recipients));
        Assert.All(_signal.RemoteDeletionsFor(number), d => Assert.Equal(uuid, d.Recipient));
        Assert.Equal(uuid, Assert.Single(_signal.ContactUpdatesFor(number)).Recipient);
        Assert.Subset(_signal.RemoteDeletionsFor(number).Select(d => d.Timestamp).ToHashSet(), sentBefore.ToHashSet());
        Assert.NotNull(_host.Get<MemberService>().FindByAddress(Urns.Signal(uuid)));
    }

    [Fact]
    public async Task Uuid_only_members_report_and_are_warned_on_their_uuid()
    {
        const string reporter = "+33611114011", neighbour = "+33611114012";
        _signal.AddPerson(reporter, hidesNumber: true);
        var neighbourUuid = _signal.AddPerson(neighbour, hidesNumber: true);
        await JoinAsync(reporter);
        await Say(neighbour, "JOIN " + _host.NewInvite());
        await Say(neighbour, "lang:en");
        await Say(neighbour, "1");
        await Say(neighbour, "2");
        await Say(neighbour, "Ines");
        await Say(neighbour, "69003");

        Assert.Contains("number, e-mail", await Say(reporter, "/report"));
        foreach (var step in new[] { "0677665544", "1", "7", "11", "2", "https://maps.google.com/maps?q=45.7578%2C4.8320", "2", "2" }) await Say(reporter, step);
        Assert.Contains("Your report R-", await Say(reporter, "1"));

        var output = new StringWriter();
        await _host.Get<Jasmine.Bots.Admin.AdminCommands>().RunAsync(["classify", "0677665544", "very-dangerous"], output, CancellationToken.None);

        await Eventually.True(() => _signal.SentTo(neighbour).Any(m => m.Message.StartsWith("Jasmine: you have a new message.", StringComparison.Ordinal)), "the warning");
        Assert.Equal([neighbourUuid], _signal.SentTo(neighbour).Last().Recipients);
        Assert.Contains("VERY DANGEROUS", await Say(neighbour, "1"));
    }

    [Fact]
    public async Task Follow_up_staff_configured_by_number_are_recognised_when_their_number_is_hidden()
    {
        const string staff = "+33699990001";
        await using var signal = await FakeSignalServer.StartAsync();
        using var host = new JasmineFactory(new()
        {
            ["Signal:ApiBaseUrl"] = signal.BaseUrl.ToString(),
            ["Signal:Number"] = signal.Account,
            ["Signal:ReceiveTimeoutSeconds"] = "1",
            ["Jasmine:FollowUp:Rota:0"] = Urns.Signal(staff),
        });
        _ = host.Services;
        var uuid = signal.AddPerson(staff, hidesNumber: true);
        // Cases are sent to the configured number, so signal-cli knows whose uuid it is.
        host.Get<Outbox>().Send(Urns.Signal(staff), [new Channels.OutboundMessage("Case R-ABCD opened", [], "fr")]);
        await Eventually.True(() => signal.SentTo(staff).Count == 1, "the case alert");

        for (var i = 0; i < 2; i++)
        {
            var before = signal.SentTo(staff).Count;
            signal.EnqueueText(staff, "ACK R-ZZZZ");
            await Eventually.True(() => signal.SentTo(staff).Count > before && host.Get<OutboxDispatcher>().IsIdle, "an answer to the staff");
            Assert.Equal("Cas inconnu : R-ZZZZ.", signal.SentTo(staff).Last().Message);
            Assert.Equal([staff], signal.SentTo(staff).Last().Recipients);
        }
        Assert.Null(host.Get<MemberService>().FindByAddress(Urns.Signal(uuid)));
    }

    [Fact]
    public async Task Neither_her_uuid_nor_the_number_signal_showed_is_in_the_database_file_or_the_logs()
    {
        const string number = "+33611114013";
        await using var signal = await FakeSignalServer.StartAsync();
        string dbPath, logs, uuid = signal.AddPerson(number, hidesNumber: false);
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        using (var host = new JasmineFactory(new()
        {
            ["Signal:ApiBaseUrl"] = signal.BaseUrl.ToString(),
            ["Signal:Number"] = signal.Account,
            ["Signal:ReceiveTimeoutSeconds"] = "1",
        }, dir))
        {
            _ = host.Services;
            async Task SayHere(string text)
            {
                var before = signal.SentTo(number).Count;
                signal.EnqueueText(number, text);
                await Eventually.True(() => signal.SentTo(number).Count > before && host.Get<OutboxDispatcher>().IsIdle, text);
            }
            foreach (var step in new[] { "JOIN " + host.NewInvite(), "lang:en", "1", "1", "Lili", "75", "menu", "06 12 34 56 78" }) await SayHere(step);
            Assert.True(host.Get<MemberService>().Address(Urns.Signal(number))!.Alias);
            dbPath = Path.GetFullPath(host.Get<JasmineStore>().Path_);
            logs = host.Logs.All;
        }

        var raw = File.ReadAllBytes(dbPath);
        var texts = new[] { System.Text.Encoding.UTF8.GetString(raw), System.Text.Encoding.Unicode.GetString(raw), System.Text.Encoding.Unicode.GetString(raw, 1, raw.Length - 1), logs };
        foreach (var secret in new[] { uuid, uuid.Replace("-", "", StringComparison.Ordinal), number, number[1..], "0611114013" })
            foreach (var text in texts) Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_send_answered_400_rate_limit_exceeded_twice_then_201_is_delivered_exactly_once()
    {
        const string number = "+33611114002";
        _signal.FailNextSendsWith(2, FakeSignalServer.Texts.RateLimitExceeded);

        Assert.Contains("JOIN", await Say(number, "hello"));

        var dispatcher = _host.Get<OutboxDispatcher>();
        await Eventually.True(() => dispatcher.IsIdle, "the outbox is empty");
        Assert.Single(_signal.SentTo(number));
        Assert.Equal(0, _host.Get<OutboxStore>().CountByStatus(OutboxStatus.Failed));
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains("Rate limit exceeded", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(_host.Logs.Lines, l => l.Contains("RateLimited", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_captcha_challenge_is_retried_and_tells_the_admins_what_to_do_without_the_token_or_her_number()
    {
        const string number = "+33611114003";
        var challenge = "CAPTCHA proof required for sending to \"" + number + "\", available options \"RECAPTCHA, PUSH_CHALLENGE\" with challenge token \"0c1d2e3f-1111-4222-8333-444455556666\", or wait \"1\" seconds.\n";
        _signal.FailNextSendsWith(1, challenge);

        Assert.Contains("JOIN", await Say(number, "hello"));

        var log = _host.Logs.All;
        Assert.Contains("ADMIN ACTION NEEDED", log);
        Assert.Contains("rate-limit-challenge", log);
        Assert.DoesNotContain("0c1d2e3f-1111-4222-8333-444455556666", log);
        Assert.DoesNotContain(number, log);
        Assert.DoesNotContain(number[1..], log);
    }

    [Fact]
    public async Task An_unregistered_recipient_is_not_retried()
    {
        const string number = "+33611114004";
        _signal.MarkUnregistered(_signal.UuidOf(number));
        _signal.EnqueueText(number, "hello");

        var outbox = _host.Get<OutboxStore>();
        await Eventually.True(() => outbox.CountByStatus(OutboxStatus.Failed) == 1 && _host.Get<OutboxDispatcher>().IsIdle, "the reply given up at once");
        Assert.Empty(_signal.SentTo(number));
    }

    [Fact]
    public async Task A_member_who_joined_by_number_and_later_writes_with_her_number_hidden_is_the_same_member()
    {
        // She joined before uuids were used (or linked Signal by typing her number): her address is her number.
        const string number = "+33611114005";
        var members = _host.Get<MemberService>();
        var member = members.Join(_host.NewInvite(), Urns.Signal(number), new NewMember("Nour", "en", "75", Domain.MemberRole.Member, null));
        Assert.NotNull(member);
        var uuid = _signal.UuidOf(number);

        // Once Signal shows her number with her uuid, the two are tied...
        Assert.DoesNotContain("JOIN", await Say(number, "menu"));
        Assert.Equal(member.Id, members.FindByAddress(Urns.Signal(uuid))?.Id);
        // ...and a later message that carries only her uuid still reaches her account.
        var before = _signal.SentTo(uuid).Count;
        _signal.EnqueueTextFromHiddenNumber(uuid, "menu");
        await Eventually.True(() => _signal.SentTo(uuid).Count > before && _host.Get<OutboxDispatcher>().IsIdle, "an answer to her uuid");
        Assert.Contains(En.Get("menu.ask"), _signal.SentTo(uuid).Last().Message);
        // Sends go to the uuid; her number stays only as a hash that points at the uuid address.
        Assert.Equal([(Urns.Signal(uuid))], members.Addresses(member.Id).Select(a => a.Urn));
        Assert.True(members.Address(Urns.Signal(number))!.Alias);
    }

    [Fact]
    public async Task A_member_known_by_number_who_first_writes_with_her_number_hidden_is_found_through_signal_clis_identities()
    {
        // She linked Signal by typing her number on another channel: the bot sent to that number, so signal-cli knows
        // which uuid it belongs to, while her own messages will never show it.
        const string number = "+33611114009";
        var uuid = _signal.AddPerson(number, hidesNumber: true);
        var members = _host.Get<MemberService>();
        var member = members.Join(_host.NewInvite(), Urns.Signal(number), new NewMember("Sarah", "en", "75", Domain.MemberRole.Member, null))!;
        _host.Get<Outbox>().Send(Urns.Signal(number), [new Channels.OutboundMessage("your code is 123456", [], "en")]);
        await Eventually.True(() => _signal.SentTo(number).Count == 1, "the code sent to her number");

        Assert.Contains(En.Get("menu.ask"), await Say(number, "menu"));

        Assert.Equal(member.Id, members.FindByAddress(Urns.Signal(uuid))?.Id);
        Assert.Equal([uuid], _signal.SentTo(number).Last().Recipients);
    }

    [Fact]
    public async Task An_edited_answer_replaces_the_answer_while_the_next_step_is_still_open()
    {
        const string number = "+33611114010";
        _signal.AddPerson(number, hidesNumber: true);
        await JoinAsync(number);
        await Say(number, "/report");
        var answered = _signal.EnqueueText(number, "0677665544");
        await Eventually.True(() => _signal.SentTo(number).Any(s => s.Message.Contains("+33 6 77 66 55 44", StringComparison.Ordinal)) && _host.Get<OutboxDispatcher>().IsIdle, "noted");
        var before = _signal.SentTo(number).Count;

        _signal.EnqueueEdit(number, answered, "0677665545");
        await Eventually.True(() => _signal.SentTo(number).Count > before && _host.Get<OutboxDispatcher>().IsIdle, "an answer to the edit");

        var reply = string.Join("\n", _signal.SentTo(number).Skip(before).Select(s => s.Message));
        Assert.Contains("+33 6 77 66 55 45", reply);
        Assert.DoesNotContain("+33 6 77 66 55 44", reply);
    }

    [Fact]
    public async Task Her_new_safety_number_is_trusted_she_is_told_and_her_messages_get_through_again()
    {
        const string number = "+33611114006";
        var uuid = _signal.AddPerson(number, hidesNumber: true);
        await JoinAsync(number);

        _signal.ChangeIdentity(number);
        // Her next message cannot be read by signal-cli: it arrives as an UntrustedIdentityException item.
        var before = _signal.SentTo(number).Count;
        _signal.EnqueueText(number, "menu");
        await Eventually.True(() => _signal.SentTo(number).Count > before && _host.Get<OutboxDispatcher>().IsIdle, "the note");
        Assert.Contains(_signal.TrustCalls, t => t.Recipient == uuid && t.TrustAllKnownKeys);
        Assert.Equal(En.Get("signal.safety_number_changed"), _signal.SentTo(number).Last().Message);

        Assert.Contains(En.Get("menu.ask"), await Say(number, "menu"));
        Assert.Contains(_host.Logs.Lines, l => l.Contains("UntrustedIdentityException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_send_refused_for_an_untrusted_identity_trusts_her_and_still_delivers_the_message()
    {
        const string number = "+33611114007";
        var uuid = _signal.AddPerson(number, hidesNumber: true);
        await JoinAsync(number);
        _signal.ChangeIdentity(number);

        // A message the service sends on its own (no message from her first).
        _host.Get<Outbox>().Send(Urns.Signal(uuid), [new Channels.OutboundMessage("hello from the team", [], "en")]);

        await Eventually.True(() => _signal.SentTo(number).Any(s => s.Message == "hello from the team") && _host.Get<OutboxDispatcher>().IsIdle, "the message");
        Assert.Single(_signal.SentTo(number), s => s.Message == "hello from the team");
        Assert.Contains(_signal.TrustCalls, t => t.Recipient == uuid);
        Assert.Contains(_signal.SentTo(number), s => s.Message == En.Get("signal.safety_number_changed"));
    }

    [Fact]
    public async Task Remote_deletes_refused_for_a_passing_reason_are_retried_until_they_go_through()
    {
        const string number = "+33611114008";
        _signal.AddPerson(number, hidesNumber: true);
        await JoinAsync(number, disappearing: "2");
        var sentBefore = _signal.SentTo(number).Select(s => s.Timestamp).ToList();
        _signal.FailNextRemoteDeletesWith(2, FakeSignalServer.Texts.RateLimitExceeded);

        await Say(number, "WIPE");

        await Eventually.True(() => _signal.RemoteDeletionsFor(number).Select(d => d.Timestamp).ToHashSet().IsSupersetOf(sentBefore),
            "every message deleted in the end", 30_000);
        Assert.Equal(0, _host.Get<WipeService>().Pending.Count());
    }
}

using System.Net;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Fakes;

namespace Jasmine.Bots.Tests.Telegram;

/// <summary>End to end: webhook JSON in, Bot API calls out, through the real host, outbox and a fake Bot API.</summary>
public sealed class TelegramChannelTests : IAsyncLifetime
{
    private const long Amina = 424242001;
    private TelegramTestHost _t = null!;

    public async Task InitializeAsync() => _t = await TelegramTestHost.StartAsync(new() { ["Jasmine:Screening:PerHour"] = "1000" });
    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task A_person_joins_with_start_and_her_code_and_picks_her_language_with_a_button()
    {
        var code = _t.Host.NewInvite();
        var first = await _t.SayAsync(Amina, "/start " + code);
        var languages = Assert.Single(first, m => m.Buttons.Count > 0);
        // Telegram.Bot spells it "Html"; Telegram reads parse_mode without regard to case.
        Assert.Equal("html", languages.ParseMode, ignoreCase: true);
        Assert.Contains(languages.Buttons, b => b.Label == "English" && b.Data == "lang:en");
        Assert.Equal(5, languages.ButtonRows); // ten short labels, two to a row

        var consent = await _t.TapAsync(Amina, "English");
        Assert.Contains("Before we start", TelegramTestHost.Texts(consent));
        Assert.Contains(_t.Bot.CallsTo("answerCallbackQuery"), c => c.Body["callback_query_id"]!.GetValue<string>().StartsWith("cq", StringComparison.Ordinal));

        await _t.TapAsync(Amina, "Yes");
        await _t.SayAsync(Amina, "Amina");
        var welcome = await _t.SayAsync(Amina, "93200");
        Assert.Contains("welcome", TelegramTestHost.Texts(welcome));

        var member = _t.Host.Get<MemberService>().FindByAddress(Urns.Telegram(Amina));
        Assert.NotNull(member);
        Assert.Equal("en", member.Language);
        Assert.Equal("93", member.Departement);
    }

    [Fact]
    public async Task A_member_checking_a_classified_number_is_told_its_classification()
    {
        await _t.JoinAsync(Amina);
        await _t.AdminAsync("classify", "+33612345678", "very-dangerous");
        var answer = await _t.SayAsync(Amina, "is 06 12 34 56 78 safe?");
        Assert.Contains("+33 6 12 34 56 78: VERY DANGEROUS", TelegramTestHost.Texts(answer));
    }

    [Fact]
    public async Task A_shared_contact_is_screened_even_without_the_plus()
    {
        await _t.JoinAsync(Amina);
        await _t.AdminAsync("classify", "+33612345678", "risky");
        var answer = await _t.ExchangeAsync(Amina, () => _t.SendAsync(Updates.Contact(_t.NextUpdateId(), Amina, "33612345678")));
        Assert.Contains("+33 6 12 34 56 78: RISKY", TelegramTestHost.Texts(answer));
    }

    [Fact]
    public async Task A_contact_file_she_shares_is_fetched_and_each_of_its_numbers_and_e_mails_screened_never_its_names()
    {
        await _t.JoinAsync(Amina);
        await _t.AdminAsync("classify", "+33612345678", "very-dangerous");
        // What a phone's contacts app shares for two contacts: one .vcf file, folded lines, numbers in several forms.
        const string cards = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marco Client\r\nTEL;TYPE=CELL:06 12 34 56 78\r\nEND:VCARD\r\n" +
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Second Man\r\nTEL;TYPE=CELL:+33 6 98\r\n  76 54 32\r\nEMAIL:second@example.org\r\nEND:VCARD\r\n";
        var bytes = System.Text.Encoding.UTF8.GetBytes(cards);
        var fileId = _t.Bot.AddFile(bytes, "contacts.vcf");
        var answer = TelegramTestHost.Texts(await _t.ExchangeAsync(Amina, () => _t.SendAsync(Updates.Document(_t.NextUpdateId(), Amina, fileId, "contacts.vcf", "text/x-vcard", bytes.Length))));
        Assert.Contains("+33 6 12 34 56 78: VERY DANGEROUS", answer);
        Assert.Contains("+33 6 98 76 54 32", answer);
        Assert.Contains("second@example.org", answer);
        Assert.DoesNotContain("Marco", answer);
        Assert.Single(_t.Bot.CallsTo("getFile"));

        // Another document (a photo of a contract, a PDF) is not fetched: her caption is what she asked about.
        var other = _t.Bot.AddFile([0x25, 0x50, 0x44, 0x46], "scan.pdf");
        var captioned = TelegramTestHost.Texts(await _t.ExchangeAsync(Amina, () => _t.SendAsync(Updates.Document(_t.NextUpdateId(), Amina, other, "scan.pdf", "application/pdf", 4, caption: "06 12 34 56 78"))));
        Assert.Contains("VERY DANGEROUS", captioned);
        Assert.Single(_t.Bot.CallsTo("getFile"));
    }

    [Fact]
    public async Task When_the_contact_file_cannot_be_fetched_telegram_is_told_to_deliver_again_and_the_card_is_read_then()
    {
        await _t.JoinAsync(Amina);
        await _t.AdminAsync("classify", "+33612345678", "risky");
        var bytes = System.Text.Encoding.UTF8.GetBytes("BEGIN:VCARD\nVERSION:4.0\nTEL;VALUE=uri:tel:+33612345678\nEND:VCARD\n");
        var update = Updates.Document(_t.NextUpdateId(), Amina, _t.Bot.AddFile(bytes, "him.vcf"), "him.vcf", "text/vcard", bytes.Length);
        _t.Bot.FailNext("getFile", 1, FakeTelegramServer.ServerError());
        var before = _t.Bot.MessagesTo(Amina).Count;
        using (var refused = await _t.PostAsync(update)) Assert.Equal(System.Net.HttpStatusCode.InternalServerError, refused.StatusCode);
        await _t.WaitUntilSentAsync();
        Assert.Equal(before, _t.Bot.MessagesTo(Amina).Count);
        // Telegram re-delivers the same update: this time it is read.
        var answer = TelegramTestHost.Texts(await _t.ExchangeAsync(Amina, () => _t.SendAsync(update)));
        Assert.Contains("+33 6 12 34 56 78: RISKY", answer);
    }

    [Fact]
    public async Task A_whole_report_can_be_made_with_buttons()
    {
        await _t.JoinAsync(Amina);
        await _t.SayAsync(Amina, "/report");
        await _t.SayAsync(Amina, "06 11 22 33 44");
        await _t.TapAsync(Amina, "Yes, that's all");
        await _t.TapAsync(Amina, "Theft");
        await _t.TapAsync(Amina, "Confirm");
        await _t.TapAsync(Amina, "Today");
        await _t.TapAsync(Amina, "Skip");
        await _t.TapAsync(Amina, "Skip");
        var summary = await _t.TapAsync(Amina, "No thanks");
        Assert.Contains("Summary", TelegramTestHost.Texts(summary));
        var saved = await _t.TapAsync(Amina, "Send");
        Assert.Contains("is saved", TelegramTestHost.Texts(saved));
        Assert.Equal(1, _t.Host.Get<JasmineStore>().Reports.Count());
        // Every press got its spinner stopped.
        Assert.True(_t.Bot.CallsTo("answerCallbackQuery").Count >= 9);
    }

    [Fact]
    public async Task The_health_questionnaire_ends_with_the_french_note_as_text_and_as_a_pdf_document()
    {
        await _t.JoinAsync(Amina);
        await _t.SayAsync(Amina, "/health");
        await _t.TapAsync(Amina, "Condom broke");
        await _t.TapAsync(Amina, "More than 3 days ago");
        await _t.TapAsync(Amina, "Vaginal");
        await _t.TapAsync(Amina, "Done");
        await _t.TapAsync(Amina, "None");
        await _t.TapAsync(Amina, "Done");
        await _t.SayAsync(Amina, "0");
        await _t.TapAsync(Amina, "Nothing");
        await _t.SayAsync(Amina, "nothing");
        await _t.TapAsync(Amina, "Skip"); // could she be pregnant (health.yaml, issue 16)
        await _t.TapAsync(Amina, "STI test");
        await _t.TapAsync(Amina, "Done");
        var note = await _t.TapAsync(Amina, "No");
        Assert.Contains(note, m => m.Text is not null && m.Text.Contains("Patiente", StringComparison.Ordinal));
        var pdf = Assert.Single(_t.Bot.CallsTo("sendDocument"));
        Assert.Equal("%PDF-1.4", pdf.Body["document"]!["head"]!.GetValue<string>());
        Assert.True(pdf.Body["document"]!["length"]!.GetValue<long>() > 500);
    }

    [Fact]
    public async Task A_pseudonym_with_markup_comes_back_escaped_and_the_message_still_renders()
    {
        await _t.SayAsync(Amina, "/start " + _t.Host.NewInvite());
        await _t.TapAsync(Amina, "English");
        await _t.TapAsync(Amina, "Yes");
        await _t.SayAsync(Amina, "<b>Lili & co</b>");
        var welcome = await _t.SayAsync(Amina, "75");
        var text = TelegramTestHost.Texts(welcome);
        Assert.Contains("&lt;b&gt;Lili &amp; co&lt;/b&gt;", text);
        Assert.DoesNotContain("<b>", text);
    }

    [Fact]
    public async Task A_429_is_retried_after_retry_after_and_the_message_arrives_once()
    {
        await _t.JoinAsync(Amina);
        _t.Bot.FailNext("sendMessage", 1, FakeTelegramServer.TooManyRequests(retryAfter: 1));
        var refusedAt = System.Diagnostics.Stopwatch.StartNew();
        var answer = await _t.SayAsync(Amina, "06 98 76 54 32");
        Assert.True(refusedAt.Elapsed >= TimeSpan.FromSeconds(0.9), $"Resent after {refusedAt.Elapsed.TotalSeconds:0.00} s, before retry_after.");
        Assert.Single(answer, m => m.Text!.Contains("+33 6 98 76 54 32: not signaled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_storm_of_server_errors_loses_nothing_and_duplicates_nothing()
    {
        await _t.JoinAsync(Amina);
        _t.Bot.FailNext("sendMessage", 3, FakeTelegramServer.ServerError());
        var answer = await _t.ExchangeAsync(Amina, async () =>
        {
            await _t.SendTextAsync(Amina, "06 98 76 54 31");
            await _t.SendTextAsync(Amina, "06 98 76 54 32");
            await _t.WaitUntilSentAsync(TimeSpan.FromSeconds(20));
        });
        var results = answer.Where(m => m.Text!.Contains(": not signaled", StringComparison.Ordinal)).Select(m => m.Text![..17]).ToList();
        Assert.Equal(["+33 6 98 76 54 31", "+33 6 98 76 54 32"], results);
    }

    [Fact]
    public async Task A_person_who_blocked_the_bot_is_marked_unreachable_and_not_retried()
    {
        await _t.JoinAsync(Amina);
        _t.Bot.FailNext("sendMessage", 1, FakeTelegramServer.Blocked());
        var before = _t.Bot.CallsTo("sendMessage").Count;
        await _t.SendTextAsync(Amina, "06 98 76 54 32");
        await _t.WaitUntilSentAsync();
        Assert.True(_t.Host.Get<MemberService>().Address(Urns.Telegram(Amina))!.Unreachable);
        Assert.Equal(1, _t.Host.Get<OutboxStore>().CountByStatus(OutboxStatus.Failed));
        // The refused reply was not retried, and the rest of that turn's replies were given up too (or sent once).
        Assert.True(_t.Bot.CallsTo("sendMessage").Count - before <= 2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret")]
    [InlineData("test_secret-Token_012345678")]
    public async Task A_forged_or_missing_secret_is_refused_and_nothing_is_processed(string? secret)
    {
        var response = await _t.PostAsync(Updates.Text(_t.NextUpdateId(), Amina, "/start " + _t.Host.NewInvite()), secret);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Task.Delay(200);
        Assert.Empty(_t.Bot.Messages);
        var store = _t.Host.Get<JasmineStore>();
        Assert.Equal(0, store.Conversations.Count());
        Assert.Equal(0, store.Collection<LiteDB.BsonDocument>("inbound").Count());
        Assert.Equal(0, store.Collection<LiteDB.BsonDocument>("outbox").Count());
    }

    [Fact]
    public async Task A_replayed_update_is_processed_once()
    {
        var update = Updates.Text(_t.NextUpdateId(), Amina, "/start " + _t.Host.NewInvite());
        await _t.ExchangeAsync(Amina, async () =>
        {
            await _t.SendAsync(update);
            await _t.SendAsync(update);
        });
        await _t.SendAsync(update);
        await _t.WaitUntilSentAsync();
        Assert.Single(_t.Bot.MessagesTo(Amina));
    }

    [Fact]
    public async Task Group_messages_and_bad_json_get_no_answer()
    {
        await _t.SendAsync(Updates.GroupText(_t.NextUpdateId(), -100123, Amina, "/start " + _t.Host.NewInvite()));
        var bad = await _t.PostAsync(new System.Text.Json.Nodes.JsonObject { ["update_id"] = "not a number" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await _t.WaitUntilSentAsync();
        Assert.Empty(_t.Bot.Messages);
        Assert.Equal(0, _t.Host.Get<JasmineStore>().Conversations.Count());
    }

    [Fact]
    public async Task Set_webhook_gives_telegram_the_url_and_secret_then_commands_and_profile_in_every_language()
    {
        var output = await _t.AdminAsync("telegram", "set-webhook", "https://bot.example.org");
        Assert.Equal("https://bot.example.org/channels/telegram", _t.Bot.WebhookUrl);
        Assert.Equal(TelegramTestHost.Secret, _t.Bot.WebhookSecret);
        var setWebhook = Assert.Single(_t.Bot.CallsTo("setWebhook"));
        Assert.Equal(["message", "callback_query"], setWebhook.Body["allowed_updates"]!.AsArray().Select(u => u!.GetValue<string>()));

        var commands = _t.Bot.CallsTo("setMyCommands");
        Assert.Equal(11, commands.Count);
        var languages = commands.Select(c => c.Body["language_code"]?.GetValue<string>()).Where(l => l is not null).ToHashSet();
        Assert.Equal(10, languages.Count);
        var defaults = Assert.Single(commands, c => c.Body["language_code"] is null);
        Assert.Contains(defaults.Body["commands"]!.AsArray(), c => c!["command"]!.GetValue<string>() == "report" && c["description"]!.GetValue<string>() == "Signaler un agresseur");
        Assert.All(commands, c => Assert.Equal(8, c.Body["commands"]!.AsArray().Count));
        Assert.Equal(11, _t.Bot.CallsTo("setMyName").Count);
        Assert.Equal(11, _t.Bot.CallsTo("setMyDescription").Count);
        Assert.Equal(11, _t.Bot.CallsTo("setMyShortDescription").Count);
        Assert.DoesNotContain(TelegramTestHost.Token, output);
        Assert.DoesNotContain(TelegramTestHost.Secret, output);

        await _t.AdminAsync("telegram", "set-commands");
        Assert.Equal(22, _t.Bot.CallsTo("setMyCommands").Count);
        await _t.AdminAsync("telegram", "delete-webhook");
        Assert.Null(_t.Bot.WebhookUrl);
    }

    [Theory]
    [InlineData("set-webhook")]
    [InlineData("set-webhook", "http://bot.example.org")]
    [InlineData("set-webhook", "https://bot.example.org:8080/hook")]
    [InlineData("delete-webhook", "now")]
    [InlineData("fly")]
    public async Task Bad_telegram_command_arguments_print_the_usage(params string[] args)
    {
        var output = new StringWriter();
        var code = await _t.Host.Get<Admin.AdminCommands>().RunAsync(["telegram", .. args], output, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("usage: telegram", output.ToString());
        Assert.Empty(_t.Bot.Calls);
    }

    [Fact]
    public async Task Neither_the_token_nor_chat_ids_nor_numbers_nor_texts_reach_the_logs()
    {
        await _t.JoinAsync(Amina, pseudonym: "Secretname");
        await _t.AdminAsync("classify", "+33612345678", "very-dangerous");
        _t.Bot.FailNext("sendMessage", 1, FakeTelegramServer.TooManyRequests(1));
        await _t.SayAsync(Amina, "06 12 34 56 78");
        _t.Bot.FailNext("sendMessage", 1, FakeTelegramServer.ServerError());
        await _t.ExchangeAsync(Amina, async () =>
        {
            await _t.SendAsync(Updates.Contact(_t.NextUpdateId(), Amina, "33698765432"));
            await _t.WaitUntilSentAsync(TimeSpan.FromSeconds(15));
        });
        await _t.PostAsync(Updates.Text(_t.NextUpdateId(), Amina, "forged 0611111111"), "nope");

        var logs = _t.Host.Logs.All;
        Assert.NotEmpty(logs);
        foreach (var secret in new[] { TelegramTestHost.Token, "TEST-token", TelegramTestHost.Secret, Amina.ToString(), "612345678", "12 34 56 78", "698765432", "0611111111", "Secretname", "VERY DANGEROUS" })
            Assert.DoesNotContain(secret, logs);
    }
}

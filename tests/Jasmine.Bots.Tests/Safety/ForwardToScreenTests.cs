using System.Text.Json.Nodes;
using Jasmine.Bots.Screening;
using Jasmine.Bots.Tests.Telegram;

namespace Jasmine.Bots.Tests.Safety;

/// <summary>Screening in one gesture: what he sent, forwarded, or his contact card, every identifier in one answer.</summary>
public sealed class ForwardToScreenTests : IAsyncLifetime
{
    private const long Amina = 424242077;
    private TelegramTestHost _t = null!;

    public async Task InitializeAsync() => _t = await TelegramTestHost.StartAsync(new() { ["Jasmine:Screening:PerHour"] = "1000" });

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task A_forwarded_message_with_two_numbers_is_screened_in_one_reply_worst_first()
    {
        await _t.JoinAsync(Amina);
        // Risky rather than very dangerous: a push warning would arrive in the middle of the exchange.
        await _t.AdminAsync("classify", "0755667788", "risky");
        var update = Updates.Text(_t.NextUpdateId(), Amina, "Salut c'est Marc, appelle le 06 11 22 33 44 ou le 07 55 66 77 88 ce soir");
        update["message"]!["forward_origin"] = new JsonObject { ["type"] = "hidden_user", ["sender_user_name"] = "Marc", ["date"] = 1_700_000_000 };
        var answer = await _t.ExchangeAsync(Amina, () => _t.SendAsync(update));
        var text = Assert.Single(answer).Text!;
        Assert.Contains("+33 7 55 66 77 88: RISKY", text);
        Assert.Contains("+33 6 11 22 33 44: not signaled", text);
        Assert.True(text.IndexOf("+33 7 55", StringComparison.Ordinal) < text.IndexOf("+33 6 11", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task A_contact_card_with_several_numbers_and_an_e_mail_is_screened_at_once_without_its_name()
    {
        await _t.JoinAsync(Amina);
        await _t.AdminAsync("classify", "marc.client@example.com", "risky");
        var update = Updates.Text(_t.NextUpdateId(), Amina, "x");
        var message = update["message"]!.AsObject();
        message.Remove("text");
        message["contact"] = new JsonObject
        {
            ["phone_number"] = "33612345600",
            ["first_name"] = "Marc",
            ["last_name"] = "Client",
            ["vcard"] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marc Client\r\nN:Client;Marc;;;\r\nTEL;TYPE=CELL:+33612345600\r\nitem1.TEL;TYPE=HOME:+33 6 98 76 54 00\r\nEMAIL;TYPE=INTERNET:marc.client@example.com\r\nEND:VCARD",
        };
        var answer = await _t.ExchangeAsync(Amina, () => _t.SendAsync(update));
        var text = Assert.Single(answer).Text!;
        Assert.StartsWith("marc.client@example.com: RISKY", text);
        Assert.Contains("+33 6 12 34 56 00: not signaled", text);
        Assert.Contains("+33 6 98 76 54 00: not signaled", text);
        Assert.DoesNotContain("Marc Client", text);
    }

    [Fact]
    public void A_vcard_file_with_several_contacts_gives_their_numbers_and_e_mails_and_never_a_name()
    {
        var values = VCard.Values("BEGIN:VCARD\nFN:Ana\nTEL:06 11 22 33 44\nEND:VCARD\nBEGIN:VCARD\nFN:Bob\nTEL;VALUE=uri:tel:+33755667788\nEMAIL:bob@\n example.com\nEND:VCARD\n");
        Assert.Equal(["06 11 22 33 44", "+33755667788", "bob@example.com"], values);
    }
}

using Jasmine.Bots.Admin;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Conversations;

public sealed class JoinAndScreenTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_stranger_without_a_code_is_refused_kindly_and_nothing_is_stored()
    {
        var chat = _host.Chat("stranger");
        await chat.Send("hello");
        chat.Expect("JOIN");
        await chat.Send("JOIN NOTACODE123");
        chat.Expect("not valid");
        chat.Expect("pas valable");
        var store = _host.Get<JasmineStore>();
        Assert.Equal(0, store.Members.Count());
        Assert.Equal(0, store.Conversations.Count());
    }

    [Fact]
    public async Task A_person_with_a_code_joins_and_the_code_cannot_be_used_twice()
    {
        var code = _host.NewInvite();
        var chat = _host.Chat("amina");
        await chat.Send("JOIN " + code);
        chat.Expect("Choose your language");
        Assert.Contains(chat.Last.SelectMany(r => r.Choices), c => c.Label == "Русский");
        await chat.Tap("English");
        chat.Expect("Before we start");
        await chat.Tap("Yes");
        chat.Expect("nickname");
        await chat.Send("06 12 34 56 78");
        chat.Expect("won't work");
        await chat.Send("Amina");
        chat.Expect("département");
        await chat.Send("Zzyzx?");
        chat.Expect("didn't recognise");
        await chat.Send("93200");
        chat.Expect("welcome");
        chat.Expect("Amina");

        var member = Assert.Single(_host.Get<JasmineStore>().Members.FindAll());
        Assert.Equal("93", member.Departement);
        Assert.Equal("en", member.Language);

        var other = _host.Chat("someone-else");
        await other.Send("/start " + code);
        other.Expect("not valid");
    }

    [Fact]
    public async Task Declining_the_consent_stores_nothing()
    {
        var chat = _host.Chat("shy");
        await chat.Send("/start " + _host.NewInvite());
        await chat.Tap("Français");
        await chat.Tap("Non merci");
        chat.Expect("rien n'a ete enregistre");
        Assert.Equal(0, _host.Get<JasmineStore>().Members.Count());
    }

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("06.12.34.56.78")]
    [InlineData("+33 (0)6 12 34 56 78")]
    [InlineData("0033612345678")]
    [InlineData("tel:+33612345678")]
    [InlineData("is 06 12 34 56 78 safe?")]
    [InlineData("est-ce que 0612345678 est connu ?")]
    public async Task Screening_finds_a_classified_number_whatever_its_format(string typed)
    {
        var chat = _host.Chat("screener");
        await chat.Join(_host.NewInvite());
        await RunAdmin("classify", "+33612345678", "very-dangerous");
        await chat.Send(typed);
        chat.Expect("+33 6 12 34 56 78: VERY DANGEROUS");
    }

    [Fact]
    public async Task An_unknown_number_is_not_signaled_with_a_safety_tip_and_several_numbers_get_one_answer_each()
    {
        var chat = _host.Chat("screener");
        await chat.Join(_host.NewInvite());
        await RunAdmin("classify", "AB-123-CD", "risky");
        await chat.Send("0698765432 and the car AB 123 CD");
        chat.Expect("+33 6 98 76 54 32: not signaled");
        chat.Expect("does not mean he is safe");
        chat.Expect("Tip:");
        chat.Expect("AB-123-CD: RISKY");
    }

    [Fact]
    public async Task A_positive_match_is_counted_by_month_without_saying_who()
    {
        var chat = _host.Chat("screener");
        await chat.Join(_host.NewInvite());
        await RunAdmin("classify", "client@example.com", "annoying");
        await chat.Send("CLIENT@Example.com ");
        chat.Expect("ANNOYING");
        var stats = await RunAdmin("stats");
        Assert.Contains($"matches {DateTime.UtcNow:yyyy-MM}: 1", stats);
    }

    [Fact]
    public async Task Screening_is_rate_limited_per_member_with_a_kind_message()
    {
        using var host = new JasmineFactory(new() { ["Jasmine:Screening:PerHour"] = "3" });
        var chat = host.Chat("busy");
        await chat.Join(host.NewInvite());
        for (var i = 0; i < 3; i++)
        {
            await chat.Send($"06 12 34 56 7{i}");
            chat.Expect("not signaled");
        }
        await chat.Send("06 12 34 56 79");
        chat.Expect("a lot of checks");
    }

    [Fact]
    public async Task Global_words_work_in_any_language_and_unknown_input_gets_short_help()
    {
        var chat = _host.Chat("words");
        await chat.Join(_host.NewInvite());
        await chat.Send("MENU");
        chat.Expect("What would you like to do");
        await chat.Send("annuler");
        chat.Expect("Cancelled");
        await chat.Send("\u0001\u0002");
        Assert.NotEmpty(chat.Last);
        await chat.Send("LANGUE");
        await chat.Tap("Français");
        chat.Expect("C'est note");
        await chat.Send("AIDE");
        chat.Expect("MENU, ANNULER");
    }

    [Fact]
    public async Task Erasing_her_data_removes_the_member_and_her_addresses()
    {
        var chat = _host.Chat("leaving");
        await chat.Join(_host.NewInvite());
        await chat.Send("MENU");
        await chat.Tap("Erase my data");
        await chat.Tap("Yes, erase everything");
        chat.Expect("erased");
        var store = _host.Get<JasmineStore>();
        Assert.Equal(0, store.Members.Count());
        Assert.Equal(0, store.Addresses.Count());
        await chat.Send("0612345678");
        chat.Expect("JOIN");
    }

    [Fact]
    public async Task A_member_can_invite_a_colleague_who_then_joins()
    {
        // Vouching waits a week after joining by default (see ScreeningAllowanceTests); this member is not new.
        using var host = new JasmineFactory(new() { ["Jasmine:Invites:NewMemberWaitDays"] = "0" });
        var chat = host.Chat("sponsor");
        await chat.Join(host.NewInvite());
        await chat.Send("MENU");
        await chat.Tap("Invite");
        var code = chat.LastText.Split("JOIN ")[1].Trim();
        var friend = host.Chat("friend");
        await friend.Join(code, pseudonym: "Rosa");
        friend.Expect("welcome");
        var members = host.Get<JasmineStore>().Members.FindAll().ToList();
        Assert.Equal(2, members.Count);
        Assert.Contains(members, m => m.InvitedBy is not null);
    }

    [Fact]
    public async Task A_conversation_survives_a_restart_in_the_middle_of_a_flow()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        var code = "";
        using (var first = new JasmineFactory(dataDirectory: dir))
        {
            code = first.NewInvite();
            var chat = first.Chat("restart");
            await chat.Send("JOIN " + code);
            await chat.Tap("English");
            await chat.Tap("Yes");
            chat.Expect("nickname");
        }
        using var second = new JasmineFactory(dataDirectory: dir);
        var again = second.Chat("restart");
        await again.Send("Nadia");
        again.Expect("département");
        await again.Send("13");
        again.Expect("Done, Nadia, welcome");
    }

    private async Task<string> RunAdmin(params string[] args)
    {
        var output = new StringWriter();
        var code = await _host.Get<AdminCommands>().RunAsync(args, output, CancellationToken.None);
        Assert.Equal(0, code);
        return output.ToString();
    }
}

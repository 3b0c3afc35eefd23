using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Conversations;
using Jasmine.Bots.Tests.Help;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Wipe;

namespace Jasmine.Bots.Tests.Wipe;

/// <summary>WIPE's words, what each channel answers, and the privacy line at join (through the turn processor).</summary>
public sealed class WipeTextTests : IDisposable
{
    private static readonly Locales All = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Every_language_has_wipe_words_and_none_is_a_word_of_another_global()
    {
        var flows = FlowSet.Load(Path.Combine(LocaleTests.Root(), "conversations"));
        var others = flows.Globals.Globals.Where(g => g.Words != "keywords.wipe")
            .SelectMany(g => All.All.SelectMany(l => l.Keywords(g.Words)).Select(w => (Word: w, g.Flow))).ToList();
        foreach (var locale in All.All)
        {
            var words = locale.Keywords("keywords.wipe");
            Assert.Contains("wipe", words);
            foreach (var word in words)
                Assert.False(others.Any(o => o.Word == word), $"{locale.Language}: '{word}' also starts @{others.FirstOrDefault(o => o.Word == word).Flow}");
        }
    }

    [Fact]
    public async Task Erase_my_data_still_erases_the_account_and_wipe_does_not()
    {
        var her = new Turns(_host, "telegram:5001");
        await her.Join("en");
        await her.Say("WIPE");
        Assert.Contains(All["en"].Get("wipe.done"), her.LastText);
        Assert.NotNull(_host.Get<Members.MemberService>().FindByAddress("telegram:5001"));

        await her.Say("erase my data");
        Assert.Contains(All["en"].Get("erase.ask"), her.LastText);
        await her.Say("EFFACER LA CONVERSATION");
        Assert.Contains(All["en"].Get("wipe.done"), her.LastText);
        Assert.NotNull(_host.Get<Members.MemberService>().FindByAddress("telegram:5001"));
    }

    [Fact]
    public async Task By_sms_wipe_explains_how_to_delete_the_thread_on_her_phone_in_her_language()
    {
        var her = new Turns(_host, "tel:+33611110001");
        await her.Join("fr");
        await her.Say("EFFACER LA CONVERSATION");
        Assert.Contains(All["fr"].Get("wipe.sms"), her.LastText);
        Assert.Contains("Android", her.LastText);
        Assert.Contains("iPhone", her.LastText);
        // Nothing to schedule: the service cannot delete a text once sent.
        Assert.Equal(0, _host.Get<WipeService>().Pending.Count());
    }

    [Fact]
    public async Task The_try_it_chat_clears_nothing_but_answers_like_telegram()
    {
        var chat = _host.Chat("wipe-try");
        await chat.Join(_host.NewInvite());
        await chat.Send("wipe");
        chat.Expect(All["en"].Get("wipe.done"));
    }

    [Fact]
    public async Task A_screening_result_offers_to_wipe_the_chat()
    {
        var chat = _host.Chat("wipe-screen");
        await chat.Join(_host.NewInvite());
        await chat.Send("06 12 34 56 78");
        await chat.Tap(All["en"].Get("wipe.button"));
        chat.Expect(All["en"].Get("wipe.done"));
    }

    [Theory]
    [InlineData("telegram:5002", "telegram")]
    [InlineData("tel:+33611110002", "sms")]
    [InlineData("signal:+33611110003", "signal")]
    [InlineData("try:privacy", "try")]
    public async Task The_join_consent_says_who_can_read_her_own_channel(string urn, string channel)
    {
        var her = new Turns(_host, urn);
        await her.Say("JOIN " + _host.NewInvite());
        await her.Say("lang:en");
        var consent = her.LastText;
        Assert.Contains(All["en"].Get("join.privacy." + channel), consent);
        foreach (var other in new[] { "telegram", "sms", "signal", "try" }.Where(c => c != channel))
            Assert.DoesNotContain(All["en"].Get("join.privacy." + other), consent);
        Assert.Contains(All["en"].Get("join.consent"), consent);

        await her.Say("1");
        // Only on Signal is she asked about disappearing messages.
        Assert.Equal(channel == "signal", her.LastText.Contains(All["en"].Get("join.disappearing"), StringComparison.Ordinal));
    }

    [Fact]
    public void The_privacy_lines_say_what_each_channel_really_is()
    {
        var en = All["en"];
        Assert.Contains("not end-to-end encrypted", en.Get("join.privacy.telegram"));
        Assert.Contains("operator", en.Get("join.privacy.sms"));
        Assert.Contains("end-to-end encrypted", en.Get("join.privacy.signal"));
        foreach (var channel in new[] { "telegram", "sms" })
        {
            Assert.Contains("Signal", en.Get("join.privacy." + channel));
            // It names the question she can skip ("in your own words"), not a "free text" she cannot link to any step.
            Assert.Contains("in your own words", en.Get("join.privacy." + channel));
        }
    }
}

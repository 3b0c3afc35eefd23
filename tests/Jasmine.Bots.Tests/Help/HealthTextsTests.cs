using Jasmine.Bots.Conversations;
using Jasmine.Bots.Help;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Sms;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Help;

/// <summary>The new health and information texts in the ten languages: each fits an SMS budget, each page pages on.</summary>
public sealed class HealthTextsTests(ITestOutputHelper output) : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private static readonly Locales All = Locales.Load(Support.Repository.Path("locales"));

    public static TheoryData<string> Languages() => [.. Locales.Supported];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_urgent_message_and_information_page_fits_in_three_sms_segments(string language)
    {
        var texts = All[language];
        var args = new Dictionary<string, string>(HealthFactsTests.Facts.Placeholders, StringComparer.Ordinal) { ["hours"] = "20", ["left"] = "27", ["km"] = "200" };
        string[] single = ["health.urgent.contraception", "health.urgent.numbers", "health.urgent.where", "health.urgent.reminder", "health.hour",
            "info.mental.1", "info.mental.2", "info.drugs.1", "info.drugs.2", "info.drugs.3"];
        foreach (var key in single)
        {
            var sms = SmsRendering.Prepare(Locales.Format(texts.Get(key), args), language);
            Assert.True(SmsSegments.Count(sms) <= 3, $"{language} {key}: {SmsSegments.Count(sms)} segments\n{sms}");
        }
        // The title and the PEP line travel together.
        foreach (var pep in new[] { "health.urgent.pep", "health.urgent.pep_maybe", "health.urgent.pep_late" })
        {
            var sms = SmsRendering.Prepare(Locales.Format(texts.Get("health.urgent.title_hours") + "\n" + texts.Get(pep), args), language);
            Assert.True(SmsSegments.Count(sms) <= 3, $"{language} {pep}: {SmsSegments.Count(sms)} segments\n{sms}");
        }
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void The_urgent_advice_names_the_numbers_and_the_places_in_every_language(string language)
    {
        var texts = All[language];
        var numbers = texts.Get("health.urgent.numbers");
        foreach (var n in new[] { "15", "17", "112", "114", "3919" }) Assert.Contains(n, numbers);
        Assert.Contains("CeGIDD", texts.Get("health.urgent.pep"));
        Assert.Contains("3114", texts.Get("info.mental.1"));
        Assert.Contains("09 72 39 40 50", texts.Get("info.mental.2"));
        Assert.Contains("0 800 23 13 13", texts.Get("info.drugs.1"));
        Assert.Contains("CAARUD", texts.Get("info.drugs.2"));
        Assert.Contains("CAARUD", texts.Get("info.drugs.3"));
    }

    [Theory]
    [InlineData("English", "Mental health", "3114", "SOS Amitié")]
    [InlineData("English", "Drugs, harm reduction", "Drogues Info Service", "naloxone")]
    [InlineData("Română", "Droguri", "Drogues Info Service", "naloxona")]
    [InlineData("العربية", "المخدرات", "Drogues Info Service", "النالوكسون")]
    [InlineData("中文", "心理健康", "3114", "SOS Amitié")]
    public async Task The_new_information_pages_are_reached_from_the_topics_and_page_on_to_the_last(string language, string topic, string first, string last)
    {
        var chat = _host.Chat("info-" + Guid.NewGuid().ToString("N")[..8]);
        await chat.Join(_host.NewInvite(), language);
        await chat.Send("/info");
        await chat.Tap(topic);
        chat.Expect(first);
        for (var page = 0; page < 3 && !chat.LastText.Contains(last, StringComparison.Ordinal); page++)
            await chat.Send("1"); // next
        output.WriteLine(chat.LastText);
        chat.Expect(last);
        Assert.Equal(2, chat.Last.SelectMany(r => r.Choices).Count()); // topics and menu on the last page
    }
}

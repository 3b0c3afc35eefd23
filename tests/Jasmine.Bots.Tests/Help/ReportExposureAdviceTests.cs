using System.Globalization;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Help;

/// <summary>
/// She may report a rape before she thinks of her health, and PEP does not wait: a report of rape or of a condom
/// removed (stealthing), dated within the urgent window, is answered with what to do now, as the health
/// questionnaire would — in her language, right after the thanks. Other reports, and old ones, are not.
/// </summary>
public sealed class ReportExposureAdviceTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>A whole report without contact; what the last answer (the thanks, and the advice if any) said.</summary>
    private static async Task<string> Report(Chat chat, string category, string when)
    {
        await FollowUp.ReportSteps.FileAsync(chat, "0622334455", [category], contact: null, when: when);
        return chat.LastText;
    }

    [Theory]
    [InlineData("2", "rape")]
    [InlineData("3", "stealthing")]
    public async Task A_report_of_an_exposure_today_says_what_to_do_now_after_the_thanks(string category, string _)
    {
        var chat = _host.Chat("exposed-" + category);
        await chat.Join(_host.NewInvite());
        var answer = await Report(chat, category, "1");
        var thanks = answer.IndexOf("is saved", StringComparison.Ordinal);
        var pep = answer.IndexOf("(PEP)", StringComparison.Ordinal);
        Assert.True(thanks >= 0 && pep > thanks, "no PEP advice after the thanks:\n" + answer);
        Assert.Contains("emergency contraception", answer);
        Assert.Contains("3919", answer);
    }

    [Fact]
    public async Task In_romanian_the_advice_is_in_romanian()
    {
        var chat = _host.Chat("exposed-ro");
        await chat.Join(_host.NewInvite(), languageLabel: "Română");
        var answer = await Report(chat, "2", "1");
        Assert.Contains("contracepție de urgență", answer);
        Assert.DoesNotContain("emergency contraception", answer);
    }

    [Fact]
    public async Task A_theft_today_or_a_rape_ten_days_ago_gets_the_thanks_without_the_advice()
    {
        var theft = _host.Chat("theft");
        await theft.Join(_host.NewInvite());
        Assert.DoesNotContain("(PEP)", await Report(theft, "7", "1"));

        var old = _host.Chat("old-rape");
        await old.Join(_host.NewInvite());
        var tenDaysAgo = DateTime.UtcNow.AddDays(-10).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        Assert.DoesNotContain("(PEP)", await Report(old, "2", tenDaysAgo));
    }
}

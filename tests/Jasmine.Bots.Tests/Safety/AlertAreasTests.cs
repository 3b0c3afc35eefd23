using Jasmine.Bots.Admin;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Safety;

/// <summary>Alerts where she works this week: up to three départements, or where she is for seven days.</summary>
public sealed class AlertAreasTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private async Task Admin(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await _host.Get<AdminCommands>().RunAsync(args, output, CancellationToken.None));
    }

    /// <summary>A report placed in a postcode gives the profile its département, then the team classifies it.</summary>
    private async Task VeryDangerousIn(Chat reporter, string number, string postcode)
    {
        foreach (var step in new[] { "/report", number, "1", "5", "11", "1", postcode, "skip", "2", "1" }) await reporter.Send(step);
        reporter.Expect("Your report R-");
        await Admin("classify", number, "very-dangerous");
    }

    [Fact]
    public async Task A_member_with_areas_13_and_06_is_warned_for_both_and_not_for_75()
    {
        var touring = _host.Chat("touring");
        await touring.Join(_host.NewInvite(), area: "69");
        await touring.Send("/settings");
        await touring.Tap("Alerts");
        await touring.Tap("Where I work");
        touring.Expect("Up to 3");
        await touring.Send("13 et 06, 75, 83");
        touring.Expect("1 to 3");
        await touring.Send("13, 06");
        touring.Expect("Saved");
        await touring.Send("/settings");
        touring.Expect("You also get alerts for: 13, 06.");

        var reporter = _host.Chat("reporter");
        await reporter.Join(_host.NewInvite(), area: "69");
        await VeryDangerousIn(reporter, "0655443301", "75011");
        await Task.Delay(1000);
        Assert.Empty(await touring.Inbox());

        await VeryDangerousIn(reporter, "0655443302", "13001");
        Assert.Single(await touring.WaitForInbox());
        await touring.Tap("Show");
        touring.Expect("+33 6 55 44 33 02");

        await VeryDangerousIn(reporter, "0655443303", "06000");
        Assert.Single(await touring.WaitForInbox());
        await touring.Tap("Show");
        touring.Expect("+33 6 55 44 33 03");
    }

    [Fact]
    public async Task Where_I_am_from_a_postcode_brings_that_departement_s_alerts_for_seven_days()
    {
        var touring = _host.Chat("touring");
        await touring.Join(_host.NewInvite(), area: "69");
        await touring.Send("/settings");
        await touring.Tap("Alerts");
        await touring.Tap("Where I work");
        await touring.Tap("Where I am");
        touring.Expect("for 7 days");
        await touring.Send("33000");
        touring.Expect("Saved");
        await touring.Send("/settings");
        touring.Expect("And for 33, where you are, until");

        var reporter = _host.Chat("reporter");
        await reporter.Join(_host.NewInvite(), area: "69");
        await VeryDangerousIn(reporter, "0655443304", "33000");
        Assert.Single(await touring.WaitForInbox());
    }
}

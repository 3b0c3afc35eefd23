using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Support;
using Jasmine.Bots.Tests.Transcripts;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Security;

/// <summary>Issue 12, finding 4: one invite made 30 members (1,860 look-ups an hour); a restart or a clock hour reset the allowance.</summary>
public sealed class ScreeningAllowanceTests : IDisposable
{
    private readonly TranscriptClock _clock = new(new DateTimeOffset(2026, 11, 12, 10, 50, 0, TimeSpan.Zero));
    private readonly string _data = Path.Combine(Path.GetTempPath(), "jasmine-tests", "allowance-" + Guid.NewGuid().ToString("N"));
    private readonly List<JasmineFactory> _hosts = [];

    private JasmineFactory Host(Dictionary<string, string?> settings)
    {
        var host = new JasmineFactory(settings, _data, services: s => s.AddSingleton<TimeProvider>(_clock));
        _hosts.Add(host);
        return host;
    }

    private const string Limited = "a lot of checks";

    private static async Task<bool> Screens(Chat chat, int n)
    {
        await chat.Send($"06 12 34 {n / 100 % 100:00} {n % 100:00}");
        return !chat.LastText.Contains(Limited, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A member invited by <paramref name="inviter"/> (a member id) joins through the flow.</summary>
    private static async Task<Chat> Invited(JasmineFactory host, string name, string? inviter)
    {
        var code = host.Get<MemberService>().CreateInvite(inviter, MemberRole.Member);
        var chat = host.Chat(name);
        await chat.Join(code, pseudonym: "Member " + name);
        return chat;
    }

    private static string IdOf(JasmineFactory host, string name) => host.Get<MemberService>().FindByAddress("try:" + name)!.Id;

    [Fact]
    public async Task A_whole_referral_branch_shares_one_budget_however_many_accounts_it_makes()
    {
        var host = Host(new() { ["Jasmine:Screening:PerHour"] = "5", ["Jasmine:Screening:PerBranchPerHour"] = "8", ["Jasmine:Invites:NewMemberWaitDays"] = "0" });
        var root = await Invited(host, "root", null);
        var a = await Invited(host, "a", IdOf(host, "root"));
        var b = await Invited(host, "b", IdOf(host, "a"));
        Assert.Equal(IdOf(host, "root"), host.Get<MemberService>().Find(IdOf(host, "b"))!.BranchId);

        for (var i = 0; i < 5; i++) Assert.True(await Screens(root, i));
        Assert.False(await Screens(root, 5)); // her own hour is used up
        for (var i = 0; i < 3; i++) Assert.True(await Screens(a, 10 + i));
        // The branch (8) is used up: a third account of the same chain gets the same kind refusal.
        Assert.False(await Screens(b, 20));
        b.Expect("try again a bit later");

        // Someone from another branch is not affected.
        var other = await Invited(host, "other", null);
        Assert.True(await Screens(other, 30));
    }

    [Fact]
    public async Task The_window_slides_and_survives_a_restart()
    {
        var settings = new Dictionary<string, string?> { ["Jasmine:Screening:PerHour"] = "3" };
        var host = Host(settings);
        var her = await Invited(host, "her", null);
        for (var i = 0; i < 3; i++) Assert.True(await Screens(her, i));
        host.Dispose();

        host = Host(settings);
        her = host.Chat("her");
        Assert.False(await Screens(her, 3)); // a restart does not hand out a new hour

        _clock.Advance(TimeSpan.FromMinutes(15)); // 11:05: a new clock hour, the same sliding hour
        Assert.False(await Screens(her, 4));
        _clock.Advance(TimeSpan.FromMinutes(50)); // past an hour since the three look-ups
        Assert.True(await Screens(her, 5));
    }

    [Fact]
    public async Task A_new_member_cannot_invite_at_once_and_is_told_kindly_in_her_language()
    {
        var host = Host(new() { ["Jasmine:Invites:NewMemberWaitDays"] = "7" });
        var her = await Invited(host, "new", null);
        await her.Send("INVITE");
        her.Expect("once you have been a member for 7 days");
        Assert.Equal(0, host.Get<MemberService>().InvitesLeft(host.Get<MemberService>().Find(IdOf(host, "new"))!) - 5);

        _clock.Advance(TimeSpan.FromDays(7.1));
        await her.Send("INVITE");
        her.Expect("Here is an invitation code");
    }

    [Fact]
    public async Task A_branch_issues_a_limited_number_of_codes_a_day()
    {
        var host = Host(new() { ["Jasmine:Invites:NewMemberWaitDays"] = "0", ["Jasmine:Invites:PerBranchPerDay"] = "3" });
        var root = await Invited(host, "root2", null);
        for (var i = 0; i < 2; i++)
        {
            await root.Send("INVITE");
            root.Expect("Here is an invitation code");
        }
        var child = await Invited(host, "child", IdOf(host, "root2")); // a code made outside the flow counts too: 3 today
        await child.Send("INVITE");
        child.Expect("already given many codes today");
        await root.Send("INVITE");
        root.Expect("already given many codes today");

        _clock.Advance(TimeSpan.FromDays(1.05));
        await child.Send("INVITE");
        child.Expect("Here is an invitation code");
    }

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}

using Jasmine.Bots.Domain;
using Jasmine.Bots.Members;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Support;

/// <summary>Members created straight through the service (not by chatting): fan-out tests need hundreds.</summary>
public static class TelegramMembers
{
    /// <summary>Joins <paramref name="count"/> Telegram members from chat id <paramref name="firstChat"/> on, all warned for all of France.</summary>
    public static IReadOnlyList<long> Join(IServiceProvider services, long firstChat, int count)
    {
        var members = services.GetRequiredService<MemberService>();
        var chats = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            var chat = firstChat + i;
            var member = members.Join(members.CreateInvite(null, MemberRole.Member), Urns.Telegram(chat), new NewMember("M" + i, "en", "75", MemberRole.Member, null))
                ?? throw new InvalidOperationException("join refused");
            member.Warnings = WarningScope.France;
            members.Update(member);
            chats.Add(chat);
        }
        return chats;
    }
}

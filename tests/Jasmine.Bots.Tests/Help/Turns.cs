using Jasmine.Bots.Conversations;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Help;

/// <summary>
/// A conversation on any channel address (tel:, telegram:…) straight through the turn processor: what the channel
/// would receive, documents and map locations included (the try-it API shows text and choices only).
/// </summary>
public sealed class Turns(JasmineFactory host, string urn)
{
    public IReadOnlyList<Reply> Last { get; private set; } = [];

    public string LastText => string.Join("\n---\n", Last.Select(r => r.Text));

    public async Task<IReadOnlyList<Reply>> Say(string text)
    {
        Last = (await host.Get<TurnProcessor>().HandleAsync(urn, Inbound.FromText(text))).Replies;
        return Last;
    }

    public async Task Join(string language)
    {
        await Say("JOIN " + host.NewInvite());
        await Say("lang:" + language);
        await Say("1");
        await Say("Lili");
        await Say("75");
        Assert.DoesNotContain("JOIN", LastText);
    }
}

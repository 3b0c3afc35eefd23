using Jasmine.Bots.Alerts;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Channels.Try;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Domain;
using Jasmine.Bots.Localization;
using Jasmine.Bots.Members;
using Jasmine.Bots.Tests.Conversations;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Wipe;

/// <summary>
/// What a lock screen shows: the first line of every message the service sends on its own, in every language and
/// both modes, rendered by the real Notifier. It must name nothing that outs her, and no identifier.
/// </summary>
public sealed class FirstLineTests : IDisposable
{
    /// <summary>Words a curious partner, client or officer must not read on her lock screen.</summary>
    private static readonly Dictionary<string, string[]> Revealing = new()
    {
        ["fr"] = ["sexe", "client", "danger", "violence", "viol", "agression", "agresseur", "police", "signalement", "alerte", "plainte", "prostitu", "escort"],
        ["en"] = ["sex", "client", "danger", "violence", "rape", "assault", "police", "aggression", "aggressor", "report", "alert", "attack", "prostitut", "escort"],
        ["es"] = ["sexo", "cliente", "peligro", "violencia", "violacion", "agresion", "policia", "denuncia", "alerta", "prostitu"],
        ["pt"] = ["sexo", "cliente", "perigo", "violencia", "estupro", "agressao", "policia", "denuncia", "alerta", "prostitu"],
        ["ro"] = ["sex", "client", "pericol", "violenta", "viol", "agresiune", "politie", "raport", "alerta", "prostitu"],
        ["bg"] = ["секс", "клиент", "опасн", "насилие", "изнасилване", "нападение", "полиция", "сигнал", "тревога", "проститу"],
        ["ru"] = ["секс", "клиент", "опасн", "насилие", "изнасилование", "нападение", "полиция", "жалоба", "тревога", "проститу"],
        ["uk"] = ["секс", "клієнт", "небезпе", "насильство", "зґвалтування", "напад", "поліція", "скарга", "тривога", "повія"],
        ["zh"] = ["性", "客户", "嫖客", "危险", "暴力", "强奸", "袭击", "警察", "举报", "警报"],
        ["ar"] = ["جنس", "زبون", "خطر", "عنف", "اغتصاب", "اعتداء", "شرطة", "بلاغ", "تنبيه"],
    };

    private const string Pseudonym = "Lili";
    private const string Aggressor = "06 12 34 56 78";
    private const string Reference = "RK7Q2M";

    private static readonly string[] ProactiveKeys =
        ["warning.text", "warning.text_france", "warning.text_no_categories", "watch.hit", "case.victim_ack", "relay.from_team"];

    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void The_word_lists_cover_every_language()
    {
        var locales = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));
        Assert.Equal(locales.All.Select(l => l.Language).Order(), Revealing.Keys.Order());
    }

    [Fact]
    public async Task No_first_line_of_a_proactive_message_reveals_anything_in_any_language_or_mode()
    {
        var locales = _host.Get<Locales>();
        var members = _host.Get<MemberService>();
        var notifier = _host.Get<Notifier>();
        var sent = 0;
        foreach (var locale in locales.All)
        {
            foreach (var discreet in new[] { true, false })
            {
                var from = $"first-{locale.Language}-{discreet}";
                var member = members.Join(_host.NewInvite(), Urns.Try(from), new NewMember(Pseudonym, locale.Language, "75", MemberRole.Member, null))!;
                member.Discreet = discreet;
                members.Update(member);
                foreach (var key in ProactiveKeys)
                {
                    var args = new Dictionary<string, string>
                    {
                        ["identifiers"] = Aggressor, ["identifier"] = Aggressor, ["categories"] = locale.Get("category.rape"),
                        ["departement"] = "75", ["reference"] = Reference, ["text"] = "He was violent, call me",
                    };
                    Assert.True(notifier.Notify(member, Urns.Try(from), t => new Reply(Locales.Format(t.Get(key), args)), $"first-line:{from}:{key}"));
                    sent++;
                }
            }
        }

        var dispatcher = _host.Get<OutboxDispatcher>();
        await Eventually.True(() => dispatcher.IsIdle, "every notice sent", 20_000);
        var mailbox = _host.Get<TryMailbox>();
        var checkedLines = 0;
        foreach (var locale in locales.All)
        {
            foreach (var discreet in new[] { true, false })
            {
                var messages = mailbox.Drain($"first-{locale.Language}-{discreet}");
                Assert.Equal(ProactiveKeys.Length, messages.Count);
                foreach (var message in messages)
                {
                    var firstLine = message.Text.Split('\n')[0];
                    Assert.Equal(locale.Get("notice.neutral"), firstLine);
                    AssertNeutral($"{locale.Language} {(discreet ? "discreet" : "direct")}", firstLine);
                    checkedLines++;
                    // Whatever it says, a wipe is one tap away (in discreet mode, once she has opened it).
                    if (!discreet) Assert.Contains(message.Choices, c => c.Value == "wipe");
                }
            }
        }
        Assert.Equal(sent, checkedLines);
    }

    [Fact]
    public void The_bot_profile_and_the_show_button_are_neutral_in_every_language()
    {
        var locales = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));
        foreach (var locale in locales.All)
            foreach (var key in new[] { "bot.name", "bot.description", "bot.short_description", "notice.neutral", "notice.show" })
                AssertNeutral($"{locale.Language} {key}", locale.Get(key));
    }

    [Fact]
    public void Texts_address_her_by_her_pseudonym_only()
    {
        var locales = Locales.Load(Path.Combine(LocaleTests.Root(), "locales"));
        // Her Telegram first name or username never reaches a text: Telegram sends them, we keep neither.
        var personal = new[] { "{name}", "{first_name}", "{last_name}", "{username}", "{real_name}" };
        foreach (var locale in locales.All)
            foreach (var (key, text) in locale.Texts)
                foreach (var placeholder in personal)
                    Assert.False(text.Contains(placeholder, StringComparison.Ordinal), $"{locale.Language} {key} uses {placeholder}");
    }

    /// <summary>Every language's list applies to every line: a Russian phone showing an English "report" outs her all the same.</summary>
    private static void AssertNeutral(string where, string line)
    {
        var folded = TextFolding.Fold(line);
        foreach (var (language, words) in Revealing)
            foreach (var word in words)
                Assert.False(folded.Contains(TextFolding.Fold(word), StringComparison.Ordinal), $"{where}: '{line}' contains '{word}' ({language})");
        Assert.False(line.Any(char.IsDigit), $"{where}: '{line}' contains a number");
        Assert.DoesNotContain(Pseudonym, line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Reference, line, StringComparison.OrdinalIgnoreCase);
    }
}

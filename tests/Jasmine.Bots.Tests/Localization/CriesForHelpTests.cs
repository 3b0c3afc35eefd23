using Jasmine.Bots.Tests.Support;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>
/// A cry for help, in any language and at any moment, is answered first with the numbers that work from any phone
/// in France and the way to the on-call team; what she was doing is kept, and no answer of hers is taken for a command.
/// </summary>
public sealed class CriesForHelpTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private static void ExpectEmergencyNumbers(Chat chat)
    {
        foreach (var number in new[] { "17", "112", "114", "15", "3919" }) chat.Expect(number);
    }

    [Fact]
    public async Task Ajuta_ma_in_the_middle_of_a_report_gives_the_emergency_numbers_and_keeps_the_report()
    {
        var chat = _host.Chat("ro-distress");
        await chat.Join(_host.NewInvite(), "Română");
        await chat.Send("semnalează");
        await chat.Send("06 12 34 56 78");
        chat.Expect("+33 6 12 34 56 78");
        await chat.Send("1");
        chat.Expect("Ce s-a întâmplat?");

        await chat.Send("ajută-mă");
        ExpectEmergencyNumbers(chat);
        chat.Expect("Echipa de gardă");
        // Not the usage help, and the question she was on comes back.
        Assert.DoesNotContain("MENIU, ANULEAZĂ", chat.LastText, StringComparison.Ordinal);
        chat.Expect("Ce începuseși e păstrat");
        chat.Expect("Ce s-a întâmplat?");

        // The report goes on from there: the number she gave is still in it.
        await chat.Tap("viol");
        await chat.Tap("Gata");
        chat.Expect("Când?");
        await chat.Send("ieri");
        await chat.Send("13001");
        await chat.Tap("Sari peste");
        await chat.Tap("Nu");
        chat.Expect("+33 6 12 34 56 78");
    }

    [Theory]
    [InlineData("English", "help me")]
    [InlineData("Français", "Au secours !")]
    [InlineData("العربية", "ساعديني")]
    [InlineData("中文", "救命")]
    [InlineData("Русский", "помогите")]
    [InlineData("Español", "socorro")]
    public async Task A_cry_for_help_outside_a_flow_gives_the_numbers_first_then_the_help(string language, string cry)
    {
        var chat = _host.Chat("distress-" + cry.GetHashCode());
        await chat.Join(_host.NewInvite(), language);
        await chat.Send(cry);
        ExpectEmergencyNumbers(chat);
        var text = chat.LastText;
        Assert.True(text.IndexOf("17", StringComparison.Ordinal) < text.IndexOf("MENU", StringComparison.OrdinalIgnoreCase) || !text.Contains("MENU", StringComparison.OrdinalIgnoreCase), text);
    }

    [Fact]
    public async Task A_cry_for_help_written_as_her_own_words_is_kept_as_her_answer()
    {
        var chat = _host.Chat("fr-words");
        await chat.Join(_host.NewInvite(), "Français");
        await chat.Send("signaler");
        await chat.Send("06 12 34 56 78");
        await chat.Send("1");
        await chat.Tap("coups");
        await chat.Tap("Valider");
        await chat.Send("hier");
        await chat.Send("13001");
        chat.Expect("raconte avec tes mots");
        // Her own words are her answer, even when one of them is a global word ("santé", "info") or a cry for help.
        await chat.Send("au secours");
        ExpectEmergencyNumbers(chat);
        // Kept as the first part of her story; "Terminé" goes on.
        chat.Expect("C'est ajouté");
        await chat.Tap("Terminé");
        chat.Expect("Veux-tu que l'équipe te contacte ?");
    }

    [Fact]
    public async Task A_global_word_typed_as_her_own_words_is_her_answer_but_the_ways_out_still_work()
    {
        var chat = _host.Chat("fr-free-text");
        await chat.Join(_host.NewInvite(), "Français");
        await chat.Send("menu");
        await chat.Tap("Aide, droits");
        await chat.Tap("Santé : un mot");
        await chat.Tap("Agression sexuelle");
        await chat.Tap("Hier");
        // Within 72 hours: the hour is asked, then the urgent advice offers the nearest places.
        await chat.Tap("Je ne sais pas");
        await chat.Tap("Passer");
        await chat.Send("1");
        await chat.Tap("Valider");
        await chat.Tap("Aucun");
        await chat.Tap("Valider");
        await chat.Send("3");
        chat.Expect("allergies");
        await chat.Send("info");
        chat.Expect("As-tu déjà pris un traitement");
        // "info" is a global word, yet here it was her answer; TPE (once the health word) is her answer too.
        await chat.Send("TPE");
        chat.Expect("Est-ce que tu pourrais être enceinte ?");
        await chat.Tap("Passer");
        chat.Expect("De quoi as-tu besoin ?");
        // A way out still works in her own words; with answers in progress she chooses to keep them or not.
        await chat.Send("annuler");
        chat.Expect("Les garder pour plus tard");
        await chat.Tap("Effacer");
        chat.Expect("C'est annulé");
    }

    [Fact]
    public async Task A_cry_for_help_inside_a_short_message_gives_the_numbers_and_the_rest_is_still_read()
    {
        var chat = _host.Chat("fr-cry-within");
        await chat.Join(_host.NewInvite(), "Français");
        await chat.Send("au secours il est devant chez moi");
        ExpectEmergencyNumbers(chat);
        // A number in the same message is still screened.
        await chat.Send("au secours 06 12 34 56 78");
        ExpectEmergencyNumbers(chat);
        chat.Expect("+33 6 12 34 56 78 : pas signalé");
        // Chinese is written without spaces.
        var zh = _host.Chat("zh-cry-within");
        await zh.Join(_host.NewInvite(), "中文");
        await zh.Send("救命啊他在门口");
        ExpectEmergencyNumbers(zh);
    }

    [Fact]
    public async Task The_chinese_join_word_works_without_a_space()
    {
        var code = _host.NewInvite();
        var chat = _host.Chat("zh-join");
        await chat.Send("加入" + code);
        chat.Expect("Choose your language");
        // And the language choice greets her in all ten languages first.
        foreach (var greeting in new[] { "Bonjour", "Hello", "Hola", "Olá", "Bună", "Здравей", "Привет", "你好", "مرحبا", "Привіт" })
            chat.Expect(greeting);
    }
}

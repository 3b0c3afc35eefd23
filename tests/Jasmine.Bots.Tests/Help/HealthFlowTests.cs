using System.Globalization;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Help;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;
using Xunit.Abstractions;

namespace Jasmine.Bots.Tests.Help;

public sealed class HealthFlowTests(ITestOutputHelper output) : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    private static string ParisDate(int daysAgo) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime)
            .AddDays(-daysAgo).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private IDocs<HealthNoteDoc> Notes => _host.Get<JasmineStore>().Collection<HealthNoteDoc>(HealthNoteStore.Collection);

    [Fact]
    public async Task A_french_member_answers_in_french_and_gets_the_fixed_french_note_and_nothing_is_kept()
    {
        var chat = _host.Chat("fr-health");
        await chat.Join(_host.NewInvite(), "Français");
        await chat.Send("menu");
        await chat.Tap("Aide, droits");
        await chat.Tap("Sante : un mot");
        chat.Expect("Que s'est-il passe ?");
        await chat.Tap("Agression sexuelle");
        await chat.Tap("Hier");
        chat.Expect("À quelle heure");
        await chat.Send("15h");
        // Yesterday 15:00 is within 48 h whatever the time now: what to do comes first.
        chat.Expect("VIH : un traitement (TPE) doit commencer dans les 48 h");
        chat.Expect("lévonorgestrel jusqu'à 72 h");
        chat.Expect("15 (SAMU), 17 (police), 112");
        chat.Expect("SMS au 114");
        chat.Expect("3919");
        chat.Expect("urgences ou le CeGIDD le plus proche");
        await chat.Tap("Passer");
        chat.Expect("Quel contact");
        await chat.Send("1 4");
        chat.Expect("Choisi : Penetration vaginale, Capote rompue, ou retiree sans ton accord");
        await chat.Tap("Valider");
        await chat.Tap("Douleur");
        await chat.Tap("Valider");
        await chat.Send("douze");
        chat.Expect("Envoie un chiffre de 0 a 10");
        await chat.Send("6/10");
        await chat.Send("pénicilline, je crois");
        await chat.Tap("Rien");
        chat.Expect("enceinte");
        await chat.Tap("Non");
        await chat.Send("1 2 4");
        await chat.Tap("Valider");
        chat.Expect("copie chiffree");
        await chat.Tap("Non, ne garde rien");
        output.WriteLine(chat.LastText);

        chat.Expect("Voici ta note en francais");
        chat.Expect($"Patiente vue pour : agression sexuelle, il y a 1 jour (le {ParisDate(1)} à 15:00).");
        chat.Expect("Grossesse : non, selon la patiente.");
        chat.Expect("Heure de l'exposition : 15:00");
        chat.Expect("TPE (traitement post-exposition VIH) : le plus tôt possible, au plus tard 48 h après l'exposition — encore possible");
        chat.Expect("Exposition possible : pénétration vaginale, préservatif rompu ou retiré.");
        chat.Expect("Symptômes : douleurs.");
        chat.Expect("Douleur : 6/10.");
        chat.Expect("Allergies (en français, ses mots) : « pénicilline, je crois »");
        chat.Expect("Traitements déjà pris : aucun ou non précisé.");
        chat.Expect("Besoins exprimés : TPE (traitement post-exposition VIH) ; contraception d'urgence ; certificat");
        chat.Expect("certificat médical de constatation");
        Assert.DoesNotContain("Langue de la patiente", chat.LastText);
        chat.Expect("Je n'ai rien garde");

        Assert.Equal(0, Notes.Count());
        var state = _host.Get<ConversationStore>().Load("try:fr-health");
        // The chat may wait on the offer to wipe it (wipe.yaml); none of her answers stays.
        Assert.True(state is null || (state.Flow is null or "wipe" && state.Vars.Count == 0), "nothing of the questionnaire outlives the note");
    }

    [Fact]
    public async Task An_english_member_keeps_an_encrypted_copy_finds_it_in_the_health_menu_and_erasing_her_data_deletes_it()
    {
        var chat = _host.Chat("en-health");
        await chat.Join(_host.NewInvite(), "English");
        await chat.Send("/health");
        await chat.Tap("Condom broke");
        await chat.Tap("More than 3 days ago");
        await chat.Tap("Vaginal");
        await chat.Tap("Done");
        await chat.Tap("None");
        await chat.Tap("Done");
        await chat.Send("0");
        await chat.Tap("Nothing");
        await chat.Send("took a morning-after pill yesterday");
        await chat.Tap("No");
        await chat.Tap("STI test");
        await chat.Tap("Done");
        await chat.Tap("Yes, keep a copy");
        output.WriteLine(chat.LastText);
        chat.Expect("Here is your note in French");
        chat.Expect("Patiente vue pour : rupture ou retrait du préservatif, il y a plus de 3 jours (date non précisée).");
        chat.Expect("au plus tard 48 h après l'exposition — délai dépassé.");
        Assert.DoesNotContain("VIH : un traitement", chat.LastText);
        chat.Expect("Symptômes : aucun symptôme signalé.");
        chat.Expect("Traitements déjà pris (en anglais, non traduit) : « took a morning-after pill yesterday »");
        chat.Expect("Langue de la patiente : anglais.");
        chat.Expect("An encrypted copy is kept");

        var doc = Assert.Single(Notes.FindAll());
        Assert.DoesNotContain("préservatif", doc.NoteEnc);
        Assert.DoesNotContain("morning", doc.NoteEnc);
        var state = _host.Get<ConversationStore>().Load("try:en-health");
        Assert.True(state is null || state.Vars.Count == 0);

        await chat.Send("/health");
        chat.Expect("You have a saved note");
        await chat.Tap("See my saved note");
        chat.Expect("« took a morning-after pill yesterday »");

        await chat.Send("/erase");
        await chat.Send("1");
        Assert.Equal(0, Notes.Count());
    }

    [Theory]
    [InlineData("Русский", "russe", "аллергия на пенициллин")]
    [InlineData("العربية", "arabe", "حساسية من البنسلين")]
    public async Task A_member_answering_by_numbers_in_her_language_gets_the_french_note_with_her_words_untranslated(string language, string languageInFrench, string allergies)
    {
        var chat = _host.Chat("numbers-" + languageInFrench);
        await chat.Join(_host.NewInvite(), language);
        await chat.Send("/health");
        await chat.Send("2");       // beaten, violence
        await chat.Send("1");       // today
        await chat.Send("5 7");     // blood, done
        await chat.Send("1 2 6");   // pain, bleeding, done
        await chat.Send("8");
        await chat.Send(allergies);
        await chat.Send("1");       // no treatment
        await chat.Send("2");       // not pregnant
        await chat.Send("4 5 6");   // certificate, someone to talk to, done
        await chat.Send("2");       // keep nothing
        output.WriteLine(chat.LastText);
        chat.Expect($"Patiente vue pour : violences physiques (coups), aujourd'hui (le {ParisDate(0)}).");
        chat.Expect("Exposition possible : contact avec du sang.");
        chat.Expect("Symptômes : douleurs, saignements.");
        chat.Expect("Douleur : 8/10.");
        chat.Expect($"Allergies (en {languageInFrench}, non traduit) : « {allergies} »");
        chat.Expect("Besoins exprimés : certificat médical de constatation (blessures, ITT) ; soutien psychologique, écoute.");
        chat.Expect($"Langue de la patiente : {languageInFrench}.");
        Assert.Equal(0, Notes.Count());
    }

    [Fact]
    public async Task The_note_comes_with_a_pdf_document_and_a_telegram_style_channel_receives_it()
    {
        var turns = new Turns(_host, "telegram:4242");
        await turns.Join("fr");
        // Sexual assault yesterday, hour unknown (1), no place for the nearest services (1, skip), then the questions.
        foreach (var answer in new[] { "/health", "1", "2", "1", "1", "1 7", "5 6", "3", "1", "1", "2", "1 6", "2" }) await turns.Say(answer);
        var document = Assert.Single(turns.Last, r => r.DocumentBytes is not null);
        Assert.Equal("note-medecin.pdf", document.DocumentName);
        Assert.Equal("application/pdf", document.DocumentMime);
        Assert.Contains("Patiente vue pour", Poppler.Text(document.DocumentBytes!));
        // The note text and the PDF are separate messages: the file must not swallow the text or the reverse.
        Assert.Contains(turns.Last, r => r.DocumentBytes is null && r.Text.Contains("Patiente vue pour", StringComparison.Ordinal));
    }
}

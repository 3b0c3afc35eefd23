using Jasmine.Bots.Localization;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Help;

/// <summary>Numbers as people type them, in every numeric prompt: digits of any script, words, "6/10".</summary>
public sealed class NumbersAsTypedTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData("6", 6)]
    [InlineData("6/10", 6)]
    [InlineData("6 sur 10", 6)]
    [InlineData("٦", 6)]          // Arabic-Indic
    [InlineData("۶", 6)]          // Persian
    [InlineData("６", 6)]         // full-width
    [InlineData("٧/١٠", 7)]
    [InlineData("six", 6)]
    [InlineData("Six", 6)]
    [InlineData("seis", 6)]
    [InlineData("șase", 6)]
    [InlineData("sase", 6)]
    [InlineData("шесть", 6)]
    [InlineData("шість", 6)]
    [InlineData("шест", 6)]
    [InlineData("六", 6)]
    [InlineData("疼痛六分", 6)]
    [InlineData("ستة", 6)]
    [InlineData("zéro", 0)]
    [InlineData("dix", 10)]
    [InlineData("十", 10)]
    [InlineData("عشرة", 10)]
    public void The_first_number_is_read_whatever_the_script_or_the_word(string typed, int expected) =>
        Assert.Equal(expected, LocalNumbers.First(typed, 0, 10));

    [Theory]
    [InlineData("douze")]
    [InlineData("11")]
    [InlineData("beaucoup")]
    [InlineData("")]
    public void Anything_else_or_out_of_range_is_not_a_number_from_0_to_10(string typed) =>
        Assert.Null(LocalNumbers.First(typed, 0, 10));

    [Theory]
    [InlineData("ar", "، ")]
    [InlineData("zh", "、")]
    [InlineData("fr", ", ")]
    [InlineData("ru", ", ")]
    public void Lists_are_joined_the_way_each_language_writes_them(string language, string separator) =>
        Assert.Equal(separator, LocalNumbers.ListSeparator(language));

    [Theory]
    [InlineData("English", "１ ３")]
    [InlineData("English", "1,3")]
    [InlineData("中文", "1、3")]
    [InlineData("العربية", "١ ٣")]
    [InlineData("العربية", "١، ٣")]
    public async Task Several_choices_are_picked_by_numbers_typed_in_any_script(string language, string typed)
    {
        var chat = _host.Chat("multi-" + Guid.NewGuid().ToString("N")[..8]);
        await chat.Join(_host.NewInvite(), language);
        await chat.Send("/health");
        await chat.Send("2");      // beaten: no hour question
        await chat.Send("1");      // today
        await chat.Send(typed);    // vaginal + oral
        var chosen = chat.LastText;
        var labels = language switch
        {
            "中文" => ("阴道插入", "口腔插入（嘴）", "、"),
            "العربية" => ("إيلاج مهبلي", "إيلاج فموي (الفم)", "، "),
            _ => ("Vaginal penetration", "Oral penetration (mouth)", ", "),
        };
        Assert.Contains(labels.Item1 + labels.Item3 + labels.Item2, chosen);
    }

    [Theory]
    [InlineData("English", "٧")]
    [InlineData("English", "seven")]
    [InlineData("中文", "七")]
    [InlineData("Русский", "семь")]
    [InlineData("العربية", "سبعة")]
    [InlineData("Română", "7/10")]
    public async Task The_pain_question_takes_the_number_as_she_types_it(string language, string typed)
    {
        var chat = _host.Chat("pain-" + Guid.NewGuid().ToString("N")[..8]);
        await chat.Join(_host.NewInvite(), language);
        foreach (var answer in new[] { "/health", "2", "1", "5 7", "5 6" }) await chat.Send(answer); // beaten, today, blood, no symptom
        await chat.Send(typed);
        foreach (var answer in new[] { "1", "1", "4", "3 6", "2" }) await chat.Send(answer); // no allergy, no treatment, skip pregnancy, a test, keep nothing
        chat.Expect("Douleur : 7/10.");
    }

    [Theory]
    [InlineData("English", "3pm", "15:00")]
    [InlineData("English", "23:30", "23:30")]
    [InlineData("Français", "9h du soir", "21:00")]
    [InlineData("Français", "15h30", "15:30")]
    [InlineData("العربية", "٣ مساءً", "15:00")]
    [InlineData("中文", "下午3点", "15:00")]
    [InlineData("Русский", "в 9 вечера", "21:00")]
    [InlineData("Français", "vers minuit", "00:00")]
    [InlineData("Español", "a mediodía", "12:00")]
    public async Task The_hour_of_exposure_is_read_as_she_types_it_and_written_in_the_note(string language, string typed, string expected)
    {
        var chat = _host.Chat("hour-" + Guid.NewGuid().ToString("N")[..8]);
        await chat.Join(_host.NewInvite(), language);
        foreach (var answer in new[] { "/health", "3", "2" }) await chat.Send(answer); // condom, yesterday
        await chat.Send(typed);
        await chat.Send("1");  // skip the place
        foreach (var answer in new[] { "1 7", "5 6", "3", "1", "1", "4", "1 6", "2" }) await chat.Send(answer);
        chat.Expect($"Heure de l'exposition : {expected} (heure de Paris)");
    }
}

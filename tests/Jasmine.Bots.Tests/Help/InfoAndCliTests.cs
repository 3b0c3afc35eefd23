using Jasmine.Bots.Admin;
using Jasmine.Bots.Help;
using Jasmine.Bots.Places;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Help;

public sealed class InfoAndCliTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task The_police_topic_pages_forward_and_back_to_the_topics()
    {
        var chat = _host.Chat("info");
        await chat.Join(_host.NewInvite(), "Français");
        await chat.Send("droits");
        chat.Expect("Quel sujet ?");
        await chat.Tap("La police");
        chat.Expect("Porter plainte est gratuit");
        chat.Expect("pre-plainte en ligne");
        await chat.Tap("Suite");
        chat.Expect("interprete gratuit");
        chat.Expect("recepisse");
        await chat.Tap("Suite");
        chat.Expect("Tu n'as pas a parler de ton travail");
        await chat.Tap("Suite");
        chat.Expect("UMJ");
        chat.Expect("116 006");
        Assert.DoesNotContain(chat.Last.SelectMany(r => r.Choices), c => c.Label == "Suite");
        await chat.Tap("Sujets");
        chat.Expect("Quel sujet ?");
        await chat.Tap("Apres une agression");
        chat.Expect("48 h");
        await chat.Tap("Suite");
        chat.Expect("sans ordonnance");
        chat.Expect("72 h");
        await chat.Tap("Sujets");
        await chat.Tap("Menu");
        chat.Expect("Que veux-tu faire");
    }

    [Fact]
    public async Task The_safety_topic_reads_in_english()
    {
        var chat = _host.Chat("info-en");
        await chat.Join(_host.NewInvite(), "English");
        await chat.Send("/info");
        await chat.Tap("Staying safe");
        chat.Expect("code word");
        await chat.Tap("Next");
        chat.Expect("Get paid first");
        await chat.Tap("Next");
        chat.Expect("text 114");
        Assert.Equal(["Topics", "Menu"], chat.Last.SelectMany(r => r.Choices).Select(c => c.Label));
    }

    private async Task<(int Code, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        var code = await _host.Get<AdminCommands>().RunAsync(args, output, CancellationToken.None);
        return (code, output.ToString());
    }

    [Fact]
    public async Task A_csv_with_a_bad_row_is_refused_with_its_line_and_nothing_is_imported()
    {
        var path = Path.Combine(_host.DataDirectory, "bad.csv");
        File.WriteAllText(path, string.Join("\r\n", SupportDirectory.CsvColumns.Count == 13 ? new[]
        {
            string.Join(',', SupportDirectory.CsvColumns),
            "new-ok,Health,Centre A,1 rue A,13001,Marseille,43.3,5.38,,24/7,fr,false,false",
            "new-bad,Health,Centre B,1 rue B,13001,Marseille,north,5.38,,,fr,false,false",
        } : []));
        var (code, output) = await Run("services", "import", path);
        Assert.Equal(1, code);
        Assert.Contains("CSV line 3, column \"latitude\"", output);
        Assert.Null(_host.Get<SupportServiceStore>().Get("new-ok"));

        File.WriteAllText(path, string.Join(',', SupportDirectory.CsvColumns) + "\r\nx,Shelter,Abri,1 rue,13001,Marseille,43.3,5.38,,Mo-Zz 09:00-10:00,fr,false,false\r\n");
        (code, output) = await Run("services", "import", path);
        Assert.Equal(1, code);
        Assert.Contains("CSV line 2, column \"opening_hours\"", output);

        (code, output) = await Run("services", "import", Path.Combine(_host.DataDirectory, "missing.csv"));
        Assert.Equal(1, code);
        Assert.Contains("No file at", output);

        (code, _) = await Run("services", "frobnicate");
        Assert.Equal(2, code);
    }

    [Fact]
    public async Task Export_then_import_round_trips_and_an_edited_row_is_updated_by_id()
    {
        var (code, csv) = await Run("services", "export");
        Assert.Equal(0, code);
        Assert.StartsWith(string.Join(',', SupportDirectory.CsvColumns), csv);
        var path = Path.Combine(_host.DataDirectory, "services.csv");
        File.WriteAllText(path, csv.Replace("Les Amis du Bus des Femmes,58 rue des Amandiers,75020,Paris,48.8655,2.389,,", "Les Amis du Bus des Femmes,58 rue des Amandiers,75020,Paris,48.8655,2.389,01 00 00 00 00,"));
        (code, var output) = await Run("services", "import", path);
        Assert.Equal(0, code);
        Assert.Contains("Imported 25 service(s): 0 added, 25 updated.", output);
        Assert.Equal("01 00 00 00 00", _host.Get<SupportServiceStore>().Get("paris-bus-des-femmes")!.Phone);

        (code, output) = await Run("services", "export", Path.Combine(_host.DataDirectory, "out.csv"));
        Assert.Equal(0, code);
        Assert.Contains("25 service(s) written", output);

        (code, output) = await Run("services", "list");
        Assert.Equal(0, code);
        Assert.Contains("national-3919 (Emergency) [national line]: 3919 Violences Femmes Info", output);
        Assert.Contains("paris-le-190 (Health): Le 190 – centre de santé sexuelle - 75020 Paris", output);
    }
}

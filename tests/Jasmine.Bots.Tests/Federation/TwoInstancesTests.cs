using System.Security.Cryptography;
using System.Text;
using Jasmine.Bots.Federation;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Federation;

/// <summary>
/// Two Jasmine.Bots instances with their own stores and keys: "Belgium" runs as a real process on 127.0.0.1, "France"
/// in the test process, and France reaches Belgium through a TCP relay that records every byte on the wire.
/// </summary>
public sealed class TwoInstancesTests : IDisposable
{
    private readonly string _belgiumDir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_belgiumDir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_member_in_France_learns_a_number_is_very_dangerous_in_Belgium_and_the_wire_carries_neither_the_number_nor_its_hash()
    {
        Directory.CreateDirectory(_belgiumDir);
        var belgiumSeed = RandomNumberGenerator.GetBytes(32);
        var franceSeed = RandomNumberGenerator.GetBytes(32);
        var belgiumKey = Convert.ToBase64String(Ed25519Key.FromSeed(belgiumSeed).PublicKey);
        var franceKey = Convert.ToBase64String(Ed25519Key.FromSeed(franceSeed).PublicKey);

        // Belgium knows France's public key and answers it; it does not ask France anything (no BaseUrl).
        await using var belgium = await HostProcess.StartAsync(_belgiumDir, new Dictionary<string, string?>
        {
            ["Jasmine:Federation:SigningKey"] = Convert.ToBase64String(belgiumSeed),
            ["Jasmine:Federation:Partners:0:Id"] = "fr-jasmine",
            ["Jasmine:Federation:Partners:0:Country"] = "FR",
            ["Jasmine:Federation:Partners:0:PublicKey"] = franceKey,
            ["Jasmine:Federation:Partners:0:DailyQuota"] = "50",
        });
        var (code, said) = await HostProcess.RunCliAsync(_belgiumDir, "classify", "06 12 34 56 78", "very-dangerous");
        Assert.True(code == 0, said);

        await using var wire = new RecordingProxy(new Uri(belgium.Url));
        using var france = new JasmineFactory(new Dictionary<string, string?>
        {
            ["Jasmine:Federation:SigningKey"] = Convert.ToBase64String(franceSeed),
            // The protocol is under test here, not its speed (the benchmark measures that): a busy CI machine may
            // take seconds to start the partner's first answer.
            ["Jasmine:Federation:Timeout"] = "00:00:30",
            ["Jasmine:Federation:Partners:0:Id"] = "be-partner",
            ["Jasmine:Federation:Partners:0:Country"] = "BE",
            ["Jasmine:Federation:Partners:0:CountryNames:en"] = "Belgium",
            ["Jasmine:Federation:Partners:0:CountryNames:fr"] = "Belgique",
            ["Jasmine:Federation:Partners:0:BaseUrl"] = wire.Url,
            ["Jasmine:Federation:Partners:0:PublicKey"] = belgiumKey,
        });
        var chat = france.Chat("lina");
        await chat.Join(france.NewInvite());

        await chat.Send("06 12 34 56 78");
        chat.Expect("not reported here");
        chat.Expect("VERY DANGEROUS by our partner in Belgium");

        await chat.Send("06 98 76 54 32");
        chat.Expect("not signaled");
        Assert.DoesNotContain("partner", chat.LastText, StringComparison.OrdinalIgnoreCase);

        // A partner slow to answer holds up only the screening that asked it: meanwhile another member is answered.
        var mira = france.Chat("mira");
        await mira.Join(france.NewInvite(), pseudonym: "Mira");
        wire.Hold();
        var waiting = chat.Send("06 55 44 33 22");
        await Eventually.True(() => wire.Held > 0, "lina's question held at the partner's door", 30_000);
        await mira.Send("MENU").WaitAsync(TimeSpan.FromSeconds(60));
        mira.Expect("What would you like to do?");
        Assert.False(waiting.IsCompleted, "lina was answered before her partner look-up came back");
        wire.Resume();
        await waiting;
        chat.Expect("not signaled");

        // The protocol really ran over the wire: the list was fetched and both numbers were evaluated, blinded.
        var sent = Encoding.Latin1.GetString(wire.Sent);
        Assert.Contains("GET " + FederationWire.ListPath, sent);
        Assert.Equal(3, CountOf(sent, "POST " + FederationWire.EvaluatePath));
        var month = DateTime.UtcNow.ToString("yyyy-MM");
        Assert.Equal(1, france.Get<JasmineStore>().Counters.FindById($"federated.matches:{month}")?.Count);
        var (_, status) = await HostProcess.RunCliAsync(_belgiumDir, "federation", "status");
        Assert.Contains("fr-jasmine (FR): shares Phone,Email,Plate, asked today 3/50", status);

        // Neither direction carries the numbers in any form, nor their plain SHA-256, nor France's own keyed hash.
        var received = Encoding.Latin1.GetString(wire.Received);
        var franceHash = france.Get<ProfileService>().HashOf(new Identifier(IdentifierKind.Phone, "+33612345678"));
        foreach (var number in new[] { "+33612345678", "0612345678", "+33698765432", "0698765432" })
        {
            var forms = new List<string>
            {
                number, number.TrimStart('+'), number[^9..], "06 12 34 56 78", "06 98 76 54 32",
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(number))),
                Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(number))),
                Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(number))),
                Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("tel:" + number))),
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("tel:" + number))),
            };
            foreach (var form in forms)
            {
                Assert.DoesNotContain(form, sent);
                Assert.DoesNotContain(form, received);
                Assert.DoesNotContain(form, Encoding.Unicode.GetString(wire.Sent));
            }
        }
        Assert.DoesNotContain(franceHash, sent);
        Assert.DoesNotContain(franceHash[..20], sent);
        Assert.DoesNotContain("612345678", belgium.Log);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}

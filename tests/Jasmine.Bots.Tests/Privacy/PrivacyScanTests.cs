using System.Text;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Privacy;

/// <summary>
/// Writes known identifiers, addresses, pseudonyms and texts through the public API, then reads the raw database
/// file and every log line: none of them may appear, in any encoding or spelling.
/// </summary>
public sealed class PrivacyScanTests
{
    private static readonly string[] Secrets =
    [
        "+33612345678", "0612345678", "06 12 34 56 78", "612345678",
        "+33698765432", "0698765432",
        "violent.client@example.com", "VIOLENT.CLIENT",
        "AB123CD", "AB-123-CD",
        "1234AB75",
        "Marguerite", "marguerite",
        "member-address-4711",
    ];

    [Fact]
    public async Task Nothing_that_identifies_a_person_is_written_in_clear_to_the_database_or_the_logs()
    {
        string dbPath;
        string logs;
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        using (var host = new JasmineFactory(dataDirectory: dir))
        {
            var chat = host.Chat("member-address-4711");
            await chat.Join(host.NewInvite(), pseudonym: "Marguerite");
            await chat.Send("is 06 12 34 56 78 safe?");
            await chat.Send("violent.client@example.com");
            await chat.Send("AB-123-CD");
            await chat.Send("1234 AB 75");
            var output = new StringWriter();
            await host.Get<AdminCommands>().RunAsync(["classify", "+33698765432", "very-dangerous"], output, CancellationToken.None);
            await host.Get<AdminCommands>().RunAsync(["classify", "violent.client@example.com", "risky"], output, CancellationToken.None);
            await chat.Send("0698765432");
            chat.Expect("VERY DANGEROUS");
            dbPath = Path.GetFullPath(host.Get<JasmineStore>().Path_);
            logs = host.Logs.All;
            Assert.NotEmpty(host.Logs.Lines);
        }

        var raw = File.ReadAllBytes(dbPath);
        Assert.True(raw.Length > 0);
        var asUtf8 = Encoding.UTF8.GetString(raw);
        var asUtf16 = Encoding.Unicode.GetString(raw);
        var asUtf16Shifted = Encoding.Unicode.GetString(raw, 1, raw.Length - 1);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, asUtf8, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, asUtf16, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, asUtf16Shifted, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
        // The key file sits beside the database, readable by its owner only.
        var keyPath = Path.Combine(Path.GetDirectoryName(dbPath)!, "jasmine.key");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
    }
}

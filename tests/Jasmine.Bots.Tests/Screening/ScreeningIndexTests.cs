using Jasmine.Bots.Admin;
using Jasmine.Bots.Screening;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Screening;

public sealed class ScreeningIndexTests
{
    [Fact]
    public async Task The_in_memory_index_is_rebuilt_from_the_store_after_a_restart_and_follows_new_reports()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        string code;
        using (var first = new JasmineFactory(dataDirectory: dir))
        {
            var output = new StringWriter();
            await first.Get<AdminCommands>().RunAsync(["classify", "0611000001", "risky"], output, CancellationToken.None);
            await first.Get<AdminCommands>().RunAsync(["classify", "client@example.org", "very-dangerous"], output, CancellationToken.None);
            code = first.NewInvite();
        }
        using var second = new JasmineFactory(dataDirectory: dir);
        var chat = second.Chat("after-restart");
        await chat.Join(code);
        var index = second.Get<ScreeningIndex>();
        Assert.Equal(2, index.Count);

        await chat.Send("0611000001");
        chat.Expect("RISKY");
        await chat.Send("CLIENT@example.org");
        chat.Expect("VERY DANGEROUS");

        foreach (var step in new[] { "/report", "0611000002", "1", "7", "11", "1", "skip", "skip", "2", "1" }) await chat.Send(step);
        chat.Expect("Your report R-");
        await chat.Send("0611000002");
        chat.Expect("reported recently, not yet reviewed");
        chat.Expect("theft or refused payment");
        Assert.Equal(3, index.Count);
        Directory.Delete(dir, recursive: true);
    }
}

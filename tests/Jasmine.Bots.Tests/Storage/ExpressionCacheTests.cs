using Jasmine.Bots.Storage;
using Jasmine.Bots.Channels.Outbox;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>
/// The dispatcher asks "what is due before now?" every few milliseconds, for the life of the host. Written as
/// <c>Query.LTE(field, now)</c> each pass was a new expression text that LiteDB compiled and kept forever (the
/// issue measured ~0.7 GB a day while idle). The questions the host asks in a loop must not grow LiteDB's cache.
/// </summary>
public sealed class ExpressionCacheTests : IDisposable
{
    private readonly JasmineFactory _host = new();

    [Fact]
    public void Asking_the_outbox_what_is_due_a_thousand_times_compiles_its_questions_once()
    {
        var outbox = _host.Get<OutboxStore>();
        var start = DateTime.UtcNow;
        // Once first, so that whatever these queries compile on first use is in the cache before counting.
        _ = outbox.Due(start, 10);
        _ = outbox.NextDueAfter(start);
        _ = outbox.LaneQueue("tel", 0, 10);
        var before = LiteExpressionCache.Count();
        for (var i = 1; i <= 1000; i++)
        {
            var now = start.AddMilliseconds(i * 7);
            _ = outbox.Due(now, 10);
            _ = outbox.NextDueAfter(now);
            _ = outbox.LaneQueue("tel", i, 10);
        }
        var grown = LiteExpressionCache.Count() - before;
        // Other tests run side by side and may add their own few texts meanwhile; a leak adds at least 2,000.
        Assert.True(grown < 50, $"LiteDB's expression cache grew by {grown} over 1,000 passes");
    }

    [Fact]
    public void Reading_members_after_a_thousand_cursors_uses_one_expression_and_returns_them_in_order()
    {
        var store = _host.Get<JasmineStore>();
        var chats = TelegramMembers.Join(_host.Services, 880_000_000, 120);
        var ids = store.Members.FindAll().Select(m => m.Id).Order(StringComparer.Ordinal).ToList();
        Assert.True(ids.Count >= chats.Count);
        // The fan-out's batch query (WarningsService.RunBatch): members after the cursor, by id.
        _ = store.Members.After("", 1);
        var before = LiteExpressionCache.Count();
        var cursor = "";
        var walked = new List<string>();
        for (var i = 0; i < 1000 && walked.Count < ids.Count; i++)
        {
            var batch = store.Members.After(cursor, 1).ToList();
            if (batch.Count == 0) break;
            walked.Add(batch[0].Id);
            cursor = batch[0].Id;
        }
        Assert.Equal(ids, walked);
        Assert.True(LiteExpressionCache.Count() - before < 20, $"grew by {LiteExpressionCache.Count() - before}");
    }

    public void Dispose() => _host.Dispose();
}

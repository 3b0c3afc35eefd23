using System.Net;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Telegram;
using LiteDB;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>
/// A message is acknowledged only once its turn is on the disk: the flusher is held at its fsync by a test gate,
/// and what waits behind it must wait, whatever the timing.
/// </summary>
public sealed class DurabilityTests : IDisposable
{
    private const long Amina = 424242777;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "jasmine-durability-" + Guid.NewGuid().ToString("N"));

    public DurabilityTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_flusher_syncs_the_write_ahead_file_that_LiteDB_really_writes()
    {
        var path = Path.Combine(_directory, "jasmine.db");
        using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        using var durability = new Durability(path, enabled: true);
        db.GetCollection<InboundDoc>("inbound").Insert(new InboundDoc { Id = "a", At = DateTime.UtcNow });

        await durability.WhenDurableAsync();

        Assert.Equal(Path.Combine(_directory, "jasmine-log.db"), durability.LogPath);
        Assert.True(File.Exists(durability.LogPath), "LiteDB wrote no file where the flusher looks for its log.");
        Assert.True(new FileInfo(durability.LogPath).Length > 0);
        Assert.Equal(1, durability.Flushes);
    }

    [Fact]
    public async Task A_caller_who_asks_during_an_fsync_is_released_only_by_the_next_one()
    {
        var path = Path.Combine(_directory, "jasmine.db");
        using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        using var durability = new Durability(path, enabled: true);
        var entered = new[] { Gate(), Gate() };
        var release = new[] { Gate(), Gate() };
        var round = 0;
        durability.BeforeFlush = async _ =>
        {
            var r = Interlocked.Increment(ref round) - 1;
            if (r >= 2) return;
            entered[r].TrySetResult();
            await release[r].Task;
        };

        db.GetCollection<InboundDoc>("inbound").Insert(new InboundDoc { Id = "first", At = DateTime.UtcNow });
        var first = durability.WhenDurableAsync();
        await entered[0].Task;
        // The first fsync has its group; this commit came after, so that fsync may not count for it.
        db.GetCollection<InboundDoc>("inbound").Insert(new InboundDoc { Id = "second", At = DateTime.UtcNow });
        var second = durability.WhenDurableAsync();
        Assert.False(first.IsCompleted);

        release[0].SetResult();
        await first;
        await entered[1].Task;
        Assert.False(second.IsCompleted);
        Assert.Equal(1, durability.Flushes);

        release[1].SetResult();
        await second;
        Assert.Equal(2, durability.Flushes);
    }

    [Fact]
    public async Task The_webhook_answers_only_after_the_fsync_that_covers_her_turn()
    {
        await using var t = await TelegramTestHost.StartAsync(new() { ["Jasmine:Screening:PerHour"] = "1000" });
        await t.JoinAsync(Amina);
        var durability = t.Host.Get<JasmineStore>().Durability;
        Assert.True(durability.Enabled, "Jasmine:Store:Durable is on unless turned off.");
        var holding = Gate();
        var release = Gate();
        // Only a group with a caller in it is held: the dispatcher's own flush requests carry none.
        durability.BeforeFlush = async callers =>
        {
            if (callers == 0 || release.Task.IsCompleted) return;
            holding.TrySetResult();
            await release.Task;
        };
        var flushesBefore = durability.Flushes;

        var post = t.PostAsync(Updates.Text(t.NextUpdateId(), Amina, "06 12 34 56 78"));
        var first = await Task.WhenAny(post, holding.Task);

        Assert.True(first == holding.Task, "The webhook answered before any fsync covered her turn.");
        Assert.False(post.IsCompleted);
        release.SetResult();
        using var response = await post;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(durability.Flushes > flushesBefore);
    }

    [Fact]
    public async Task With_durability_off_nothing_waits_for_an_fsync()
    {
        await using var t = await TelegramTestHost.StartAsync(new() { ["Jasmine:Store:Durable"] = "false" });
        var durability = t.Host.Get<JasmineStore>().Durability;
        durability.BeforeFlush = _ => throw new InvalidOperationException("No fsync should run with Jasmine:Store:Durable off.");

        var answer = await t.SayAsync(Amina, "hello");

        Assert.NotEmpty(answer);
        Assert.False(durability.Enabled);
        Assert.Equal(0, durability.Flushes);
    }

    private static TaskCompletionSource Gate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

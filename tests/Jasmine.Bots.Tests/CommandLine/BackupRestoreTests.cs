using System.Security.Cryptography;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Members;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;
using LiteDB;

namespace Jasmine.Bots.Tests.CommandLine;

/// <summary><c>backup</c> and <c>restore</c> as a person runs them: the real executable, real LiteDB files, a real host.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackupRestoreTests : IDisposable
{
    private readonly List<string> _dirs = [];

    private string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jasmine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var d in _dirs) try { Directory.Delete(d, recursive: true); } catch (IOException) { }
    }

    private static readonly string[] ReportSteps = ["/report", "0611000002", "1", "7", "11", "1", "skip", "skip", "2", "1"];

    [Fact]
    public async Task A_backup_taken_while_members_join_is_restored_with_every_member_committed_before_it_and_none_after_it()
    {
        var dir = NewDir();
        var backup = Path.Combine(NewDir(), "jasmine-backup.db");
        var before = new List<string>();
        var joined = new List<string>();
        List<string> committedWhenBackupStarted, notInBackup;
        using (var host = new JasmineFactory(dataDirectory: dir))
        {
            var first = host.Chat("pre-0");
            await first.Join(host.NewInvite(), pseudonym: "Pre0");
            foreach (var step in ReportSteps) await first.Send(step);
            first.Expect("Your report R-");
            before.Add("Pre0");
            await Eventually.True(() => File.Exists(Path.Combine(dir, "admin.sock")), "the admin socket");

            // Members keep joining (each join is one turn that writes a member, her address and the used invite)
            // while the backup runs through the host's admin socket; the loop is bounded.
            var backupDone = 0;
            var startedAfterBackup = new List<string>();
            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < 200 && startedAfterBackup.Count < 3; i++)
                {
                    var name = $"Loop{i}";
                    var after = Volatile.Read(ref backupDone) == 1;
                    await host.Chat("loop-" + i).Join(host.NewInvite(), pseudonym: name);
                    lock (joined) joined.Add(name);
                    if (after) startedAfterBackup.Add(name);
                }
            });
            await Eventually.True(() => { lock (joined) return joined.Count >= 2; }, "members joining");
            lock (joined) committedWhenBackupStarted = [.. before, .. joined];
            var (code, said) = await HostProcess.RunCliAsync(dir, "backup", backup);
            Volatile.Write(ref backupDone, 1);
            await writer;
            Assert.True(code == 0, said);
            Assert.Contains("Backup written to " + backup, said);
            Assert.Contains("keep the key", said);
            Assert.Equal(3, startedAfterBackup.Count);
            notInBackup = startedAfterBackup;
            Assert.Equal(before.Count + joined.Count, host.Get<JasmineStore>().Members.Count());
        }

        Assert.Equal(FileModes.File_, File.GetUnixFileMode(backup));
        var key = File.ReadAllText(Path.Combine(dir, "jasmine.key")).Trim();
        Assert.False(FileHolds(backup, key), "the backup must not hold the key");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(backup)!, "*.partial-*"));

        var (restoreCode, restored) = await HostProcess.RunCliAsync(dir, "restore", backup);
        Assert.True(restoreCode == 0, restored);
        Assert.Contains("Restored " + backup, restored);
        var kept = Assert.Single(Directory.GetFiles(dir, "jasmine.db.before-restore-*"));
        Assert.Contains(kept, restored);
        Assert.Equal(FileModes.File_, File.GetUnixFileMode(Path.Combine(dir, "jasmine.db")));
        Assert.Equal(FileModes.File_, File.GetUnixFileMode(kept));

        using var back = new JasmineFactory(dataDirectory: dir);
        var store = back.Get<JasmineStore>();
        var members = back.Get<MemberService>();
        var names = new HashSet<string>();
        foreach (var m in store.Members.FindAll())
        {
            names.Add(members.Pseudonym(m));
            // Written in the same turn as the member: a consistent copy never has one without the other.
            Assert.NotEmpty(members.Addresses(m.Id));
        }
        // Everyone who had joined when the backup began is in it; nobody who began joining after it ended is.
        Assert.Superset(committedWhenBackupStarted.ToHashSet(), names);
        Assert.Subset(before.Concat(joined).ToHashSet(), names);
        Assert.Empty(names.Intersect(notInBackup));

        // Her report came back readable: screening the number shows it.
        var chat = back.Chat("pre-0");
        await chat.Send("0611000002");
        chat.Expect("reported recently, not yet reviewed");
    }

    [Fact]
    public async Task Restore_refuses_while_a_host_runs_and_changes_nothing()
    {
        var dir = NewDir();
        var backup = Path.Combine(NewDir(), "b.db");
        using var host = new JasmineFactory(dataDirectory: dir);
        await host.Chat("one").Join(host.NewInvite(), pseudonym: "One");
        var output = new StringWriter();
        Assert.Equal(0, await host.Get<AdminCommands>().RunAsync(["backup", backup], output, CancellationToken.None));
        // A backup never replaces a file.
        Assert.Equal(1, await host.Get<AdminCommands>().RunAsync(["backup", backup], output, CancellationToken.None));
        Assert.Contains("already exists", output.ToString());
        await Eventually.True(() => File.Exists(Path.Combine(dir, "admin.sock")), "the admin socket");

        var (code, said) = await HostProcess.RunCliAsync(dir, "restore", backup);

        Assert.Equal(1, code);
        Assert.Contains("a host is running on this data directory", said);
        Assert.Single(said.Trim().Split('\n'));
        Assert.Empty(Directory.GetFiles(dir, "*before-restore*"));
        Assert.Empty(Directory.GetFiles(dir, "*restoring*"));
        Assert.Equal(1, host.Get<JasmineStore>().Members.Count());
        await host.Chat("two").Join(host.NewInvite(), pseudonym: "Two");
        Assert.Equal(2, host.Get<JasmineStore>().Members.Count());
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_is_not_a_store_or_was_written_with_another_key_and_leaves_the_data_untouched()
    {
        var dir = NewDir();
        using (var host = new JasmineFactory(dataDirectory: dir))
            await host.Chat("mine").Join(host.NewInvite(), pseudonym: "Mine");

        var other = NewDir();
        var otherBackup = Path.Combine(NewDir(), "other-key.db");
        using (var host = new JasmineFactory(dataDirectory: other))
        {
            await host.Chat("theirs").Join(host.NewInvite(), pseudonym: "Theirs");
            Assert.Equal(0, await host.Get<AdminCommands>().RunAsync(["backup", otherBackup], new StringWriter(), CancellationToken.None));
        }
        var junk = Path.Combine(NewDir(), "junk.db");
        File.WriteAllBytes(junk, RandomNumberGenerator.GetBytes(64 * 1024));
        var plainLiteDb = Path.Combine(NewDir(), "plain.db");
        using (var db = new LiteDatabase(plainLiteDb)) db.GetCollection("members").Insert(new BsonDocument { ["_id"] = "x" });

        var data = Path.Combine(dir, "jasmine.db");
        var hash = SHA256.HashData(File.ReadAllBytes(data));
        var files = Directory.GetFiles(dir).Order().ToList();
        foreach (var (file, expected) in new[] { (junk, "is not a Jasmine store"), (plainLiteDb, "not a Jasmine store backup"), (otherBackup, "was written with another key"), (junk + ".missing", "does not exist") })
        {
            var (code, said) = await HostProcess.RunCliAsync(dir, "restore", file);
            Assert.True(code == 1, said);
            Assert.Contains(expected, said);
            Assert.Contains("Nothing was changed", said);
            Assert.Single(said.Trim().Split('\n'));
            Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(data)));
            Assert.Equal(files, Directory.GetFiles(dir).Order().ToList());
        }

        using var again = new JasmineFactory(dataDirectory: dir);
        var member = Assert.Single(again.Get<JasmineStore>().Members.FindAll());
        Assert.Equal("Mine", again.Get<MemberService>().Pseudonym(member));
    }

    [Fact]
    public async Task Restore_after_a_host_was_killed_sets_its_write_ahead_log_aside_so_nothing_of_it_is_replayed_onto_the_backup()
    {
        var dir = NewDir();
        var backup = Path.Combine(NewDir(), "before-the-invites.db");
        var host = await HostProcess.StartAsync(dir, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        try
        {
            var (code, said) = await HostProcess.RunCliAsync(dir, "backup", backup);
            Assert.True(code == 0, said + host.Log);
            var (inviteCode, invites) = await HostProcess.RunCliAsync(dir, "invite", "--role", "member", "--count", "20");
            Assert.True(inviteCode == 0, invites);
        }
        finally
        {
            host.Kill();
            await host.DisposeAsync();
        }
        // kill -9: the invites are committed in LiteDB's log, not yet in the data file.
        var log = Path.Combine(dir, "jasmine-log.db");
        Assert.True(File.Exists(log) && new FileInfo(log).Length > 0, "a killed host leaves its write-ahead log");

        var (restoreCode, restored) = await HostProcess.RunCliAsync(dir, "restore", backup);
        Assert.True(restoreCode == 0, restored);
        Assert.False(File.Exists(log));
        Assert.Single(Directory.GetFiles(dir, "jasmine-log.db.before-restore-*"));

        using var back = new JasmineFactory(dataDirectory: dir);
        Assert.Equal(0, back.Get<JasmineStore>().Invites.Count());
        var chat = back.Chat("after-crash");
        await chat.Join(back.NewInvite(), pseudonym: "After");
        chat.Expect("welcome");
    }

    private static bool FileHolds(string file, string text)
    {
        var bytes = File.ReadAllBytes(file);
        return bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(text)) >= 0
            || bytes.AsSpan().IndexOf(Convert.FromBase64String(text)) >= 0;
    }
}

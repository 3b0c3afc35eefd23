using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Admin;

/// <summary><c>backup &lt;file&gt;</c>: a consistent copy of the store, taken by the running host when there is one.</summary>
public sealed class BackupCommand(JasmineStore store) : IAdminCommand
{
    public string Name => "backup";
    public string Usage => "backup <file>   writes a consistent copy of the store (encrypted, without the key; mode 0600) while the host keeps serving";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var positional = AdminArgs.Positional(args);
        if (positional.Count != 1) throw new UsageException("One backup file is required.");
        try
        {
            var written = StoreBackup.Backup(store, positional[0]);
            output.WriteLine($"Backup written to {written.File}: {written.Bytes / 1e6:0.0} MB, {written.Members} member(s), {written.Reports} report(s); read back with this key. Turns waited {written.Held.TotalSeconds:0.0} s while it was copied.");
            output.WriteLine("It is encrypted and holds no key: keep the key (jasmine.key or Jasmine:MasterKey) apart from it. Without the key the backup is useless; with both, anyone can read it.");
            return Task.FromResult(0);
        }
        catch (DataAccessException e)
        {
            output.WriteLine("backup: " + e.Message);
            return Task.FromResult(1);
        }
    }
}

/// <summary>
/// <c>restore &lt;file&gt;</c>: puts a backup in place of the store, with the host stopped. It needs nothing that opens
/// the store (the command line runs it before anything does, see <see cref="AdminExtensions"/>).
/// </summary>
public sealed class RestoreCommand(IOptions<JasmineOptions> options, IServiceProvider services, TimeProvider time) : IAdminCommand
{
    public string Name => "restore";
    public string Usage => "restore <file>   with the host stopped: checks the backup against this key, keeps the current data aside, puts the backup in place";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var positional = AdminArgs.Positional(args);
        if (positional.Count != 1) throw new UsageException("One backup file is required.");
        var settings = options.Value;
        // Run through a host's admin socket, or beside a host that answers on it: the store is open, refuse.
        if (await AdminSocketClient.AnswersAsync(AdminSocketServer.PathFor(settings), ct))
        {
            await output.WriteLineAsync("restore: a host is running on this data directory; stop it, then run restore again. Nothing was changed.");
            return 1;
        }
        // Without a key one would be generated, and no backup could be read with it: ask for the right one instead.
        if (string.IsNullOrWhiteSpace(settings.MasterKey) && !File.Exists(settings.DataPath("jasmine.key")))
        {
            await output.WriteLineAsync($"restore: there is no key in {Path.GetDirectoryName(settings.DataPath("jasmine.key"))}: put back the key file jasmine.key the backup was made with (or set Jasmine:MasterKey), then run restore again. Nothing was changed.");
            return 1;
        }
        if (settings.Store.Provider == "postgres")
        {
            try
            {
                var loaded = LogicalBackup.RestoreIntoPostgres(settings.Store, positional[0], services);
                await output.WriteLineAsync($"Restored {loaded.File} into the PostgreSQL schema {settings.Store.Schema}: {loaded.Members} member(s), {loaded.Reports} report(s).");
                return 0;
            }
            catch (DataAccessException e)
            {
                await output.WriteLineAsync("restore: " + e.Message);
                return 1;
            }
        }
        try
        {
            var (restored, keptAs) = StoreBackup.Restore(settings.DataPath("jasmine.db"), positional[0], services, time.GetUtcNow().UtcDateTime);
            await output.WriteLineAsync($"Restored {Path.GetFullPath(positional[0])}: {restored.Members} member(s), {restored.Reports} report(s).");
            await output.WriteLineAsync(keptAs is null
                ? "There was no store here before."
                : $"The previous data file is kept as {keptAs}; delete it once the restored store looks right.");
            return 0;
        }
        catch (DataAccessException e)
        {
            await output.WriteLineAsync("restore: " + e.Message);
            return 1;
        }
    }
}

/// <summary>
/// <c>store migrate --to postgres</c>: copies the embedded store of this data directory into the PostgreSQL schema of
/// <c>Jasmine:Store:ConnectionString</c> / <c>Jasmine:Store:Schema</c>, with every host stopped. Documents move as they
/// are, hashed and encrypted: the same key (jasmine.key or Jasmine:MasterKey) reads them there. The embedded file is
/// only read and stays where it is.
/// </summary>
public sealed class StoreCommand(IOptions<JasmineOptions> options, IServiceProvider services) : IAdminCommand
{
    public string Name => "store";
    public string Usage => "store migrate --to postgres   with the hosts stopped: copies the embedded store into Jasmine:Store:ConnectionString (schema Jasmine:Store:Schema), still encrypted";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var positional = AdminArgs.Positional(args, "--to");
        if (positional.Count != 1 || positional[0] != "migrate" || AdminArgs.Option(args, "--to") != "postgres")
            throw new UsageException("Only 'store migrate --to postgres' is known.");
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Store.ConnectionString))
        {
            await output.WriteLineAsync("store: set Jasmine:Store:ConnectionString (and Jasmine:Store:Schema) to the PostgreSQL database first. Nothing was changed.");
            return 1;
        }
        if (await AdminSocketClient.AnswersAsync(AdminSocketServer.PathFor(settings), ct))
        {
            await output.WriteLineAsync("store: a host is running on this data directory; stop it (a copy taken while it writes would miss its last turns), then run the migration again. Nothing was changed.");
            return 1;
        }
        try
        {
            var counts = LogicalBackup.MigrateToPostgres(settings, services);
            var total = counts.Values.Sum();
            await output.WriteLineAsync($"Copied {total} document(s) into the PostgreSQL schema {settings.Store.Schema}: {counts.GetValueOrDefault("members")} member(s), {counts.GetValueOrDefault("reports")} report(s), {counts.GetValueOrDefault("conversations")} conversation(s), {counts.GetValueOrDefault("outbox")} message(s) waiting.");
            await output.WriteLineAsync("Now set Jasmine:Store:Provider=postgres on every host and start them. The embedded file is unchanged; keep it until the new store looks right.");
            return 0;
        }
        catch (DataAccessException e)
        {
            await output.WriteLineAsync("store: " + e.Message);
            return 1;
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Jasmine.Bots.Privacy;

namespace Jasmine.Bots.Storage;

/// <summary>
/// Backup, restore and migration for any store, by documents rather than by file: every collection of the
/// <see cref="StoreCatalog"/> as lines of JSON, each document exactly as the store keeps it (hashed and encrypted
/// fields stay so; the key is never in the file). The PostgreSQL store is backed up this way; the embedded one
/// copies its file (<see cref="StoreBackup"/>) and is moved to PostgreSQL with <see cref="Migrate"/>.
/// </summary>
public static class LogicalBackup
{
    /// <summary>
    /// Writes <paramref name="target"/> (0600, never overwritten) from inside one transaction: on PostgreSQL that
    /// transaction holds the lock every write takes, so the file is one committed state (turns wait meanwhile).
    /// </summary>
    public static StoreSnapshot Backup(JasmineStore store, string target)
    {
        target = Path.GetFullPath(target);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var counts = StoreBackup.WriteNew(target, output => store.InTransaction(() => StoreCatalog.Dump(store.Documents, output)));
        var held = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        // Read back as a restore would: a backup this key cannot open is reported now, not on the day it is needed.
        CheckKey(target, store.Protector);
        return new StoreSnapshot(target, new FileInfo(target).Length, counts.GetValueOrDefault("members"), counts.GetValueOrDefault("reports")) { Held = held };
    }

    /// <summary>Restores a logical backup into the configured PostgreSQL schema (which must hold no data yet).</summary>
    public static StoreSnapshot RestoreIntoPostgres(StoreOptions store, string source, IServiceProvider services)
    {
        using var target = new PostgresDocumentStore(store.ConnectionString!, store.Schema);
        return Restore(source, target, services.GetRequiredService<FieldProtector>());
    }

    /// <summary>Copies this data directory's embedded store into the configured PostgreSQL schema (see <see cref="Migrate"/>).</summary>
    public static IReadOnlyDictionary<string, int> MigrateToPostgres(JasmineOptions options, IServiceProvider services)
    {
        try
        {
            using var target = new PostgresDocumentStore(options.Store.ConnectionString!, options.Store.Schema);
            return Migrate(options.DataPath("jasmine.db"), target, services.GetRequiredService<FieldProtector>());
        }
        catch (Npgsql.NpgsqlException e)
        {
            // Its message may name the server and the user: the type and the state are enough, and never the password.
            throw new DataAccessException($"PostgreSQL refused ({e.GetType().Name}{(e is Npgsql.PostgresException p ? " " + p.SqlState : "")}). Nothing was changed in the embedded store.", e);
        }
    }

    /// <summary>Loads a logical backup into <paramref name="to"/>, which must hold no data yet; the key check is read first.</summary>
    public static StoreSnapshot Restore(string source, IDocumentStore to, FieldProtector protector)
    {
        source = Path.GetFullPath(source);
        if (!File.Exists(source)) throw new DataAccessException($"{source} does not exist. Nothing was changed.");
        CheckKey(source, protector);
        if (StoreCatalog.NonEmpty(to) is { Count: > 0 } taken)
            throw new DataAccessException($"The store already holds data ({string.Join(", ", taken.Take(4))}): restore into an empty schema (Jasmine:Store:Schema), or drop this one first. Nothing was changed.");
        using var input = File.OpenRead(source);
        var counts = StoreCatalog.Load(input, to);
        return new StoreSnapshot(source, new FileInfo(source).Length, counts.GetValueOrDefault("members"), counts.GetValueOrDefault("reports"));
    }

    /// <summary>
    /// Copies the embedded store at <paramref name="liteFile"/> into <paramref name="to"/> (empty), documents as they
    /// are: the same key reads them there. The embedded file is only read, and kept.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Migrate(string liteFile, IDocumentStore to, FieldProtector protector, Action<string, int>? copied = null)
    {
        if (!File.Exists(liteFile)) throw new DataAccessException($"There is no embedded store at {liteFile}. Nothing was changed.");
        // Refused while the same key cannot read it: the copy would be data nobody can read.
        StoreBackup.Check(liteFile, liteFile, protector);
        if (StoreCatalog.NonEmpty(to) is { Count: > 0 } taken)
            throw new DataAccessException($"The target already holds data ({string.Join(", ", taken.Take(4))}): migrate into an empty schema (Jasmine:Store:Schema). Nothing was changed.");
        using var from = new LiteDocumentStore(liteFile);
        return StoreCatalog.Copy(from, to, copied);
    }

    /// <summary>Finds the key-check line and decrypts it, or refuses the file.</summary>
    private static void CheckKey(string file, FieldProtector protector)
    {
        string? value = null;
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                if (!line.Contains("\"c\":\"" + StoreBackup.KeyCheckCollection + "\"", StringComparison.Ordinal)) continue;
                using var doc = JsonDocument.Parse(line);
                value = doc.RootElement.GetProperty("d").GetProperty(nameof(StoreBackup.KeyCheckDoc.Value)).GetString();
                break;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DataAccessException($"{file} is not a Jasmine backup (it is not lines of documents). Nothing was changed.", e);
        }
        if (value is null) throw new DataAccessException($"{file} is not a Jasmine backup of a PostgreSQL store (it has no key check). Nothing was changed.");
        if (!StoreBackup.IsKeyCheck(value, protector))
            throw new DataAccessException($"{file} was written with another key: this key cannot read it. Restore it with the key it was made with. Nothing was changed.");
    }
}

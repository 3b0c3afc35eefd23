using System.Globalization;
using System.Security.Cryptography;
using Jasmine.Bots.Privacy;
using LiteDB;

namespace Jasmine.Bots.Storage;

/// <summary>What a backup or a restore found in the file it wrote or read.</summary>
public sealed record StoreSnapshot(string File, long Bytes, int Members, int Reports)
{
    /// <summary>How long the backup held the store's lock (turns waited that long).</summary>
    public TimeSpan Held { get; init; }
}

/// <summary>
/// Backup and restore of the embedded store. A backup is a copy of the LiteDB data file taken under the store's
/// lock with the write-ahead log folded in, so it holds one committed state while the host keeps serving (turns
/// wait for the copy). It stays encrypted with the store's key and never contains that key: without the key it
/// cannot be read, and whoever holds both can read everything, so the two are kept apart.
/// </summary>
public static class StoreBackup
{
    // One small document, encrypted with the store's key, that a restore decrypts before it replaces anything: a file
    // written with another key (or no store at all) is refused while the current data is still in place.
    internal const string KeyCheckCollection = "store";
    private const string KeyCheckId = "key-check";
    private const string KeyCheckPurpose = "store.key-check";
    private const string KeyCheckText = "jasmine-store";

    /// <summary>Run when the store opens: every data file carries the key check, including a copy taken by hand.</summary>
    internal static void EnsureKeyCheck(JasmineStore store)
    {
        var collection = store.Collection<KeyCheckDoc>(KeyCheckCollection);
        // A check that this key cannot read is left alone: it tells the truth about the data next to it.
        if (collection.FindById(KeyCheckId) is not null) return;
        try { collection.Insert(new KeyCheckDoc { Id = KeyCheckId, Value = store.Protector.Protect(KeyCheckPurpose, KeyCheckText) }); }
        catch (DuplicateKeyException) { } // another host sharing the database wrote it first
    }

    /// <summary>The key check as stored (LiteDB reads field names without regard to case: older files wrote "value").</summary>
    internal sealed class KeyCheckDoc
    {
        public string Id { get; set; } = "";
        public string Value { get; set; } = "";
    }

    /// <summary>True when <paramref name="value"/> is the key check as this key wrote it.</summary>
    internal static bool IsKeyCheck(string value, FieldProtector protector)
    {
        try { return protector.Unprotect(KeyCheckPurpose, value) == KeyCheckText; }
        catch (Exception e) when (e is CryptographicException or FormatException) { return false; }
    }

    /// <summary>Writes a consistent copy of the live store to <paramref name="target"/> (created 0600, never overwritten), then reads it back.</summary>
    public static StoreSnapshot Backup(JasmineStore store, string target)
    {
        if (store.Documents is not LiteDocumentStore) return LogicalBackup.Backup(store, target);
        target = Path.GetFullPath(target);
        var held = WriteNew(target, output =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            ((LiteDocumentStore)store.Documents).WhileCheckpointed(dataFile =>
            {
                using var input = new FileStream(dataFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
                input.CopyTo(output, 1 << 20);
            });
            return System.Diagnostics.Stopwatch.GetElapsedTime(started);
        });
        // Read back as a restore would: a backup this key cannot open is reported now, not on the day it is needed.
        return Check(target, target, store.Protector) with { Held = held };
    }

    /// <summary>
    /// Writes the new backup file <paramref name="target"/> (0600, never over an existing file) through
    /// <paramref name="write"/>, under a temporary name renamed once complete and fsynced: a backup cut short never
    /// looks like a good one.
    /// </summary>
    internal static T WriteNew<T>(string target, Func<FileStream, T> write)
    {
        if (File.Exists(target) || Directory.Exists(target)) throw new DataAccessException($"{target} already exists: a backup never replaces a file; give a new name.");
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder)) throw new DataAccessException($"The folder {folder} does not exist.");
        var partial = target + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            T result;
            using (var output = CreatePrivate(partial))
            {
                result = write(output);
                output.Flush(flushToDisk: true);
            }
            File.Move(partial, target, overwrite: false);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(partial);
            throw new DataAccessException($"Cannot write the backup {target}: {FileModes.Reason(e)}.", e);
        }
    }

    /// <summary>
    /// Replaces the data file at <paramref name="dataFile"/> by the backup <paramref name="source"/>, once the backup is
    /// known to be a store this key reads. No host may have the store open (the caller checks its admin socket; the
    /// data file is also locked here). The previous data file is kept aside, never deleted.
    /// </summary>
    /// <summary>As <see cref="Restore(string, string, FieldProtector, DateTime)"/>, with the host's own key.</summary>
    public static (StoreSnapshot Restored, string? KeptAs) Restore(string dataFile, string source, IServiceProvider services, DateTime now) =>
        Restore(dataFile, source, services.GetRequiredService<FieldProtector>(), now);

    public static (StoreSnapshot Restored, string? KeptAs) Restore(string dataFile, string source, FieldProtector protector, DateTime now)
    {
        source = Path.GetFullPath(source);
        if (!File.Exists(source)) throw new DataAccessException($"{source} does not exist. Nothing was changed.");
        // A new machine may have the key (Jasmine:MasterKey) and no data directory yet.
        FileModes.SecureDataDirectory(Path.GetDirectoryName(Path.GetFullPath(dataFile))!);
        var stamp = now.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        // The copy is checked, not the original: what is checked is exactly what is put in place.
        var candidate = dataFile + ".restoring-" + stamp;
        try
        {
            using (var output = CreatePrivate(candidate))
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                input.CopyTo(output, 1 << 20);
                output.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(candidate);
            throw new DataAccessException($"Cannot copy {source} into the data directory: {FileModes.Reason(e)}. Nothing was changed.", e);
        }

        StoreSnapshot restored;
        try
        {
            restored = Check(candidate, source, protector) with { File = dataFile };
        }
        catch
        {
            TryDelete(candidate);
            throw;
        }

        string? keptAs = null, logKeptAs = null;
        var log = LogFileOf(dataFile);
        try
        {
            // Held while the files change places: a host that has the store open holds a shared lock, and one
            // starting now finds this exclusive one and stops.
            using var guard = File.Exists(dataFile) ? new FileStream(dataFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None) : null;
            if (guard is not null)
            {
                keptAs = dataFile + ".before-restore-" + stamp;
                File.Move(dataFile, keptAs, overwrite: false);
            }
            // LiteDB's write-ahead log of the previous data (left by a host that was killed) would be replayed onto
            // the restored file at the next open: it goes aside with the data it belongs to.
            if (File.Exists(log)) File.Move(log, logKeptAs = log + ".before-restore-" + stamp, overwrite: false);
            File.Move(candidate, dataFile, overwrite: false);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dataFile, FileModes.File_);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(candidate);
            // Put back what was moved, so the directory is as it was.
            if (keptAs is not null && !File.Exists(dataFile) && File.Exists(keptAs)) File.Move(keptAs, dataFile);
            if (logKeptAs is not null && !File.Exists(log) && File.Exists(logKeptAs)) File.Move(logKeptAs, log);
            throw new DataAccessException($"The store is in use or cannot be replaced ({FileModes.Reason(e)}): stop the host and run restore again. Nothing was changed.", e);
        }
        return (restored, keptAs);
    }

    /// <summary>Opens <paramref name="file"/> read-only and decrypts its key check: a LiteDB store written with this key, or a clear refusal.</summary>
    internal static StoreSnapshot Check(string file, string shownAs, FieldProtector protector)
    {
        BsonDocument? check;
        int members, reports;
        try
        {
            using var db = new LiteDatabase(new ConnectionString { Filename = file, Connection = ConnectionType.Direct, ReadOnly = true });
            check = db.CollectionExists(KeyCheckCollection) ? db.GetCollection(KeyCheckCollection).FindById(KeyCheckId) : null;
            members = db.CollectionExists("members") ? db.GetCollection("members").Count() : 0;
            reports = db.CollectionExists("reports") ? db.GetCollection("reports").Count() : 0;
        }
        catch (Exception e) when (e is LiteException or IOException or InvalidCastException or IndexOutOfRangeException or ArgumentException or OverflowException or FormatException or InvalidOperationException)
        {
            throw new DataAccessException($"{shownAs} is not a Jasmine store (LiteDB cannot read it: {e.GetType().Name}). Nothing was changed.", e);
        }
        if (check is null || !check["value"].IsString)
            throw new DataAccessException($"{shownAs} is a LiteDB file but not a Jasmine store backup (it has no key check). Nothing was changed.");
        try
        {
            if (protector.Unprotect(KeyCheckPurpose, check["value"].AsString) != KeyCheckText) throw new CryptographicException();
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new DataAccessException($"{shownAs} was written with another key: this key cannot read it. Restore it with the key it was made with (jasmine.key or Jasmine:MasterKey). Nothing was changed.", e);
        }
        return new StoreSnapshot(file, new FileInfo(file).Length, members, reports);
    }

    /// <summary>LiteDB 5 keeps its write-ahead log beside the data file: <c>jasmine.db</c> → <c>jasmine-log.db</c>.</summary>
    private static string LogFileOf(string dataFile) =>
        Path.Combine(Path.GetDirectoryName(dataFile)!, Path.GetFileNameWithoutExtension(dataFile) + "-log" + Path.GetExtension(dataFile));

    /// <summary>A new file that only its owner may read, from its first byte (no moment with wider rights).</summary>
    internal static FileStream CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileModes.File_;
        var stream = new FileStream(path, options);
        // The umask may only take rights away; this states the mode whatever the umask was.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, FileModes.File_);
        return stream;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

using Jasmine.Bots.Privacy;

namespace Jasmine.Bots.Storage;

/// <summary>Finds the master key: configuration first; on the embedded default a key file made on first run.</summary>
public static class KeyFile
{
    public static byte[] LoadOrCreate(JasmineOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            var key = Convert.FromBase64String(options.MasterKey);
            if (key.Length < 32) throw new InvalidOperationException("Jasmine:MasterKey must be 32 bytes, base64-encoded.");
            return key;
        }
        var path = options.DataPath("jasmine.key");
        FileModes.SecureDataDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) || Directory.Exists(path))
        {
            try { return Convert.FromBase64String(File.ReadAllText(path).Trim()); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new DataAccessException($"Cannot read the key file {path}: {FileModes.Reason(e)}. Run as the user that owns the data directory, or set Jasmine:MasterKey.", e);
            }
            catch (FormatException e)
            {
                throw new DataAccessException($"The key file {path} is not a base64 key.", e);
            }
        }

        var created = FieldProtector.NewMasterKey();
        // Created with 0600 from the start: there is no moment when another user could read it.
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, fileOptions))
        using (var writer = new StreamWriter(stream))
            writer.Write(Convert.ToBase64String(created));
        logger.LogWarning("Generated a new master key file in the data directory. Back it up and keep it secret: without it the stored data cannot be read. In production set Jasmine:MasterKey from a secret store instead.");
        return created;
    }
}

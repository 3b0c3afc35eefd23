using System.Runtime.InteropServices;

namespace Jasmine.Bots.Storage;

/// <summary>A problem with the data directory or key that a person can fix; shown as one line, never a stack trace.</summary>
public sealed class DataAccessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The embedded store's files hold the audit log, the invite tree and who filed which report (even without the key):
/// the directory is 0700 and every file in it 0600, checked and fixed at start, and files created later (LiteDB's log
/// file, backups) are born private because the process runs with umask 077.
/// </summary>
public static class FileModes
{
    public const UnixFileMode Directory_ = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File_ = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static int _umaskSet;

    public static void SecureDataDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        if (Interlocked.Exchange(ref _umaskSet, 1) == 0) _ = umask(0b000_111_111); // 077
        try
        {
            if (!Directory.Exists(directory)) Directory.CreateDirectory(directory, Directory_);
            if ((File.GetUnixFileMode(directory) & ~Directory_) != 0) File.SetUnixFileMode(directory, Directory_);
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                // The admin socket is made 0600 by its server; a socket cannot be chmod-ed through this API on every system.
                if (File.GetAttributes(file).HasFlag(FileAttributes.Directory)) continue;
                if ((File.GetUnixFileMode(file) & ~File_) != 0) File.SetUnixFileMode(file, File_);
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new DataAccessException($"The data directory {directory} cannot be made private (0700, files 0600): {Reason(e)}. Run as the user that owns it.", e);
        }
    }

    /// <summary>"permission denied" and the like, without the framework's wording or stack.</summary>
    public static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "not found",
        _ => e.GetType().Name,
    };

    // A blittable call: DllImport needs no unsafe code (LibraryImport would).
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054
}

namespace Jasmine.Bots.Staff;

// In the storage folder: only the staff account store reads or writes its encrypted authenticator secret.
/// <summary>A person of the team who uses the console. The login is a handle chosen by the team, not a real name.</summary>
public sealed class StaffAccount
{
    public string Id { get; set; } = "";
    public StaffRole Role { get; set; }
    public string PasswordHash { get; set; } = "";
    /// <summary>Set by "staff add" and "staff reset": the printed password only opens the door to choosing one's own.</summary>
    public bool MustChangePassword { get; set; }
    public string? TotpSecretEnc { get; set; }
    public bool TotpConfirmed { get; set; }
    /// <summary>Last accepted time step: a code seen once is refused if replayed.</summary>
    public long LastTotpStep { get; set; }
    /// <summary>Part of every session's cookie: a new value (logout, reset, new password) ends every session of the account at once.</summary>
    public string SessionStamp { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? LastLoginAt { get; set; }
}

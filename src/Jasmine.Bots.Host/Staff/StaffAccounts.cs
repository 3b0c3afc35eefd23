using System.Security.Cryptography;
using Jasmine.Bots.Storage;
using LiteDB;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Jasmine.Bots.Staff;

public enum StaffRole { Moderator, FollowUp, Admin }

/// <summary>A person of the team who uses the console. The login is a handle chosen by the team, not a real name.</summary>
public sealed class StaffAccount
{
    [BsonId] public string Id { get; set; } = "";
    public StaffRole Role { get; set; }
    public string PasswordHash { get; set; } = "";
    /// <summary>Set by "staff add" and "staff reset": the printed password only opens the door to choosing one's own.</summary>
    public bool MustChangePassword { get; set; }
    public string? TotpSecretEnc { get; set; }
    public bool TotpConfirmed { get; set; }
    /// <summary>Last accepted time step: a code seen once is refused if replayed.</summary>
    public long LastTotpStep { get; set; }
    public int FailedAttempts { get; set; }
    public DateTime? LockoutUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastLoginAt { get; set; }
}

public enum SignInCheck { Ok, Wrong, LockedOut }

/// <summary>Staff accounts: passwords hashed (PBKDF2 via <see cref="PasswordHasher{T}"/>), TOTP secrets encrypted, lock-out after repeated failures.</summary>
public sealed class StaffAccounts(JasmineStore store, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutFor = TimeSpan.FromMinutes(15);
    public const string Issuer = "Jasmine staff";
    private const string TotpPurpose = "staff.totp";
    private readonly PasswordHasher<StaffAccount> _hasher = new();

    public ILiteCollection<StaffAccount> Accounts => store.Database.GetCollection<StaffAccount>("staff");

    public static string Normalise(string login) => login.Trim().ToLowerInvariant();

    public StaffAccount? Find(string login) => Accounts.FindById(Normalise(login));

    /// <summary>Creates an account and returns its one-time password.</summary>
    public string Add(string login, StaffRole role)
    {
        var id = Normalise(login);
        if (id.Length is < 2 or > 40 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            throw new ArgumentException("A login is 2 to 40 letters, digits, '.', '-' or '_'.");
        if (Accounts.FindById(id) is not null) throw new InvalidOperationException($"Staff account '{id}' already exists.");
        var account = new StaffAccount { Id = id, Role = role, CreatedAt = Now };
        var password = OneTimePassword();
        account.PasswordHash = _hasher.HashPassword(account, password);
        account.MustChangePassword = true;
        Accounts.Insert(account);
        return password;
    }

    /// <summary>Forgotten password or lost phone: a new one-time password, and the authenticator is enrolled again.</summary>
    public string Reset(string login)
    {
        var account = Find(login) ?? throw new KeyNotFoundException($"No staff account '{Normalise(login)}'.");
        var password = OneTimePassword();
        account.PasswordHash = _hasher.HashPassword(account, password);
        account.MustChangePassword = true;
        account.TotpSecretEnc = null;
        account.TotpConfirmed = false;
        account.LastTotpStep = 0;
        account.FailedAttempts = 0;
        account.LockoutUntil = null;
        Accounts.Update(account);
        return password;
    }

    public bool IsLockedOut(StaffAccount account) => account.LockoutUntil is { } until && until > Now;

    public SignInCheck CheckPassword(StaffAccount account, string password)
    {
        if (IsLockedOut(account)) return SignInCheck.LockedOut;
        var result = _hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed) return Fail(account);
        if (result == PasswordVerificationResult.SuccessRehashNeeded) account.PasswordHash = _hasher.HashPassword(account, password);
        Accounts.Update(account);
        return SignInCheck.Ok;
    }

    public SignInCheck CheckCode(StaffAccount account, string code)
    {
        if (IsLockedOut(account)) return SignInCheck.LockedOut;
        if (account.TotpSecretEnc is null) return Fail(account);
        var totp = new Totp(Secret(account));
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 6 || !totp.VerifyTotp(Now, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) || step <= account.LastTotpStep)
            return Fail(account);
        account.LastTotpStep = step;
        account.FailedAttempts = 0;
        account.LockoutUntil = null;
        account.LastLoginAt = Now;
        if (!account.TotpConfirmed) account.TotpConfirmed = true;
        Accounts.Update(account);
        return SignInCheck.Ok;
    }

    public void ChangePassword(StaffAccount account, string newPassword)
    {
        account.PasswordHash = _hasher.HashPassword(account, newPassword);
        account.MustChangePassword = false;
        Accounts.Update(account);
    }

    /// <summary>Long enough that a passphrase is easier than a short complex word.</summary>
    public static string? PasswordProblem(string password) =>
        password.Length < 12 ? "password.too_short" : password.Distinct().Count() < 5 ? "password.too_simple" : null;

    /// <summary>The secret being enrolled: created on first need, kept until confirmed by a code.</summary>
    public byte[] EnsureSecret(StaffAccount account)
    {
        if (account.TotpSecretEnc is null)
        {
            account.TotpSecretEnc = store.Protector.Protect(TotpPurpose, Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20)));
            Accounts.Update(account);
        }
        return Secret(account);
    }

    public byte[] Secret(StaffAccount account) => Base32Encoding.ToBytes(store.Protector.Unprotect(TotpPurpose, account.TotpSecretEnc!));

    public static string OtpAuthUri(string login, byte[] secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(login)}?secret={Base32Encoding.ToString(secret)}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    private SignInCheck Fail(StaffAccount account)
    {
        account.FailedAttempts++;
        if (account.FailedAttempts >= MaxFailures)
        {
            account.LockoutUntil = Now + LockoutFor;
            account.FailedAttempts = 0;
        }
        Accounts.Update(account);
        return account.LockoutUntil is { } until && until > Now ? SignInCheck.LockedOut : SignInCheck.Wrong;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    // Four groups of five from an alphabet without look-alikes: strong (≈ 98 bits) and easy to type once.
    private static string OneTimePassword() =>
        string.Join('-', Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 5)));
}

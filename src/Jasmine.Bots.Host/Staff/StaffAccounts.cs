using System.Security.Cryptography;
using Jasmine.Bots.Storage;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Jasmine.Bots.Staff;

public enum StaffRole { Moderator, FollowUp, Admin }

public enum SignInCheck { Ok, Wrong, Wait }

/// <summary>The outcome of one sign-in step; <see cref="Wait"/> is how long this login or address must wait.</summary>
public sealed record SignInResult(SignInCheck Check, StaffAccount? Account, TimeSpan Wait);

/// <summary>Staff accounts: passwords hashed (PBKDF2 via <see cref="PasswordHasher{T}"/>), TOTP secrets encrypted, lock-out after repeated failures.</summary>
public sealed class StaffAccounts(StaffAccountStore store, LoginThrottle throttle, TimeProvider time)
{
    public const string Issuer = "Jasmine staff";
    public const string DeviceCookie = "jasmine.staff.device";
    private readonly PasswordHasher<StaffAccount> _hasher = new();
    private readonly Lock _codes = new();
    // Verified against when the login is unknown: the same ~50 ms of PBKDF2 either way, so timing tells no login apart.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<StaffAccount>().HashPassword(new StaffAccount(), RandomNumberGenerator.GetHexString(32)));

    public IDocs<StaffAccount> Accounts => store.Accounts;

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
        account.SessionStamp = NewStamp();
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
        StaffAccountStore.ForgetTotpSecret(account);
        account.TotpConfirmed = false;
        account.LastTotpStep = 0;
        account.SessionStamp = NewStamp();
        Accounts.Update(account);
        throttle.Forget(throttle.LoginKey("password", account.Id, null));
        throttle.Forget(throttle.LoginKey("code", account.Id, null));
        return password;
    }

    /// <summary>Logout (or a reset): every session of the account ends, copied cookies included.</summary>
    public void RevokeSessions(string login)
    {
        lock (_codes)
        {
            if (Find(login) is not { } account) return;
            account.SessionStamp = NewStamp();
            Accounts.Update(account);
        }
    }

    /// <summary>
    /// Step one of a sign-in. The attempt is counted first (by login or login-on-this-device, and by address); a
    /// login that must wait is not checked at all, known or not, and an unknown login costs the same hashing time.
    /// </summary>
    public SignInResult SignInWithPassword(string? login, string password, string ip, string? deviceCookie)
    {
        var id = Normalise(login ?? "");
        var gate = throttle.Begin(throttle.LoginKey("password", id, DeviceId(deviceCookie, id)), throttle.AddressKey("password", ip));
        if (!gate.Allowed) return new SignInResult(SignInCheck.Wait, null, gate.Wait);
        var account = id.Length == 0 ? null : Accounts.FindById(id);
        var result = _hasher.VerifyHashedPassword(account ?? new StaffAccount(), account?.PasswordHash ?? DummyHash.Value, password);
        if (account is null || result == PasswordVerificationResult.Failed) return new SignInResult(SignInCheck.Wrong, account, TimeSpan.Zero);
        throttle.Succeeded(gate);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = _hasher.HashPassword(account, password);
            Accounts.Update(account);
        }
        return new SignInResult(SignInCheck.Ok, account, TimeSpan.Zero);
    }

    /// <summary>Step two: the authenticator code, single-use, throttled like the password.</summary>
    public SignInResult SignInWithCode(string login, string code, string ip, string? deviceCookie)
    {
        var id = Normalise(login);
        var gate = throttle.Begin(throttle.LoginKey("code", id, DeviceId(deviceCookie, id)), throttle.AddressKey("code", ip));
        if (!gate.Allowed) return new SignInResult(SignInCheck.Wait, null, gate.Wait);
        lock (_codes)
        {
            // Read again under the lock: two tabs sending the same code must not both pass the replay check.
            var account = Accounts.FindById(id);
            if (account is null || !StaffAccountStore.HasTotpSecret(account)) return new SignInResult(SignInCheck.Wrong, account, TimeSpan.Zero);
            var totp = new Totp(Secret(account));
            var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
            if (digits.Length != 6 || !totp.VerifyTotp(Now, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) || step <= account.LastTotpStep)
                return new SignInResult(SignInCheck.Wrong, account, TimeSpan.Zero);
            throttle.Succeeded(gate);
            account.LastTotpStep = step;
            account.LastLoginAt = Now;
            if (!account.TotpConfirmed) account.TotpConfirmed = true;
            Accounts.Update(account);
            return new SignInResult(SignInCheck.Ok, account, TimeSpan.Zero);
        }
    }

    /// <summary>Set once the login is complete: later attempts from this browser are counted apart from everyone else's.</summary>
    public string IssueDevice(string login) =>
        store.SignDevice(RandomNumberGenerator.GetHexString(24, lowercase: true), Normalise(login));

    /// <summary>The device id when the cookie was issued by this host for this very login.</summary>
    public string? DeviceId(string? cookie, string login) => store.VerifyDevice(cookie, login);

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
        if (!StaffAccountStore.HasTotpSecret(account))
        {
            store.SetTotpSecret(account, Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20)));
            Accounts.Update(account);
        }
        return Secret(account);
    }

    public byte[] Secret(StaffAccount account) => Base32Encoding.ToBytes(store.TotpSecret(account));

    /// <summary>An authenticator is enrolled or being enrolled.</summary>
    public static bool HasTotpSecret(StaffAccount account) => StaffAccountStore.HasTotpSecret(account);

    public static string OtpAuthUri(string login, byte[] secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(login)}?secret={Base32Encoding.ToString(secret)}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    private static string NewStamp() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    // Four groups of five from an alphabet without look-alikes: strong (≈ 98 bits) and easy to type once.
    private static string OneTimePassword() =>
        string.Join('-', Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 5)));
}

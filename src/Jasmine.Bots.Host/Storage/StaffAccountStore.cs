using Jasmine.Bots.Staff;

namespace Jasmine.Bots.Storage;

/// <summary>
/// The privacy of staff accounts: the authenticator secret is encrypted, device cookies are signed with the host's
/// key, and sign-in attempts are counted under keyed hashes (no login or address kept in clear). Callers hand in and
/// get back clear values.
/// </summary>
public sealed class StaffAccountStore(JasmineStore store)
{
    // The purposes are part of the stored data and of the cookies already issued: changing one re-enrols every
    // authenticator, forgets every device and resets the throttle.
    private const string TotpPurpose = "staff.totp";
    private const string DevicePurpose = "staff.device";
    private const string ThrottlePurpose = "staff.throttle";

    public IDocs<StaffAccount> Accounts => store.Collection<StaffAccount>("staff");

    public static bool HasTotpSecret(StaffAccount account) => account.TotpSecretEnc is not null;

    /// <summary>Sets the secret being enrolled (base32) on the document; the caller saves the account.</summary>
    public void SetTotpSecret(StaffAccount account, string base32) => account.TotpSecretEnc = store.Protector.Protect(TotpPurpose, base32);

    public static void ForgetTotpSecret(StaffAccount account) => account.TotpSecretEnc = null;

    /// <summary>The enrolled secret, base32.</summary>
    public string TotpSecret(StaffAccount account) => store.Protector.Unprotect(TotpPurpose, account.TotpSecretEnc!);

    /// <summary>
    /// Changes whenever the authenticator is enrolled again, for the session stamp: the stored ciphertext (never the
    /// secret), exactly as stamps were computed before this store, so sessions already open stay valid.
    /// </summary>
    public static string? EnrolmentMark(StaffAccount account) => account.TotpSecretEnc;

    /// <summary>A device cookie: <paramref name="deviceId"/> with a keyed MAC bound to the login.</summary>
    public string SignDevice(string deviceId, string login) => store.Protector.Sign(DevicePurpose, deviceId, login);

    /// <summary>The device id when the cookie was issued by this host for this very login, else null.</summary>
    public string? VerifyDevice(string? cookie, string login) => store.Protector.Verify(DevicePurpose, cookie, login);

    /// <summary>The key sign-in attempts are counted under.</summary>
    public string ThrottleKey(string text) => store.Protector.Hash(ThrottlePurpose, text);
}

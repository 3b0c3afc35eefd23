using Microsoft.AspNetCore.Mvc;
using OtpNet;
using QRCoder;

namespace Jasmine.Bots.Staff.Pages.Account;

/// <summary>First login: the authenticator app is set up from a QR code (or the secret typed in), and proven with a code.</summary>
public sealed class EnrolModel(StaffAccounts accounts, AuditLog audit) : StaffPage
{
    public string QrDataUri { get; private set; } = "";
    public string SecretText { get; private set; } = "";
    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        var account = accounts.Find(Who);
        if (account is null) return Redirect("/staff/login");
        if (account.MustChangePassword) return Redirect("/staff/login/password");
        if (account.TotpConfirmed) return Redirect("/staff/login/code");
        Show(account);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code)
    {
        var account = accounts.Find(Who);
        if (account is null || account.MustChangePassword || !StaffAccounts.HasTotpSecret(account)) return Redirect("/staff/login");
        if (account.TotpConfirmed) return Redirect("/staff/login/code");
        var result = accounts.SignInWithCode(account.Id, code ?? "", SignInSteps.ClientIp(HttpContext), SignInSteps.Device(HttpContext));
        if (result.Check == SignInCheck.Ok)
        {
            audit.Write(account.Id, "staff.totp_enrolled", account.Id);
            return await SignInSteps.CompleteAsync(HttpContext, result.Account!, audit, accounts);
        }
        audit.Write(account.Id, result.Check == SignInCheck.Wait ? "login.throttled" : "login.code_failed");
        if (result.Check == SignInCheck.Wait) return await SignInSteps.WaitAsync(HttpContext, result.Wait);
        Error = "code.wrong";
        Show(account);
        return Page();
    }

    private void Show(StaffAccount account)
    {
        var secret = accounts.EnsureSecret(account);
        var text = Base32Encoding.ToString(secret);
        // Groups of four: easier to type into an app that cannot scan.
        SecretText = string.Join(' ', text.Chunk(4).Select(c => new string(c)));
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(StaffAccounts.OtpAuthUri(account.Id, secret), QRCodeGenerator.ECCLevel.M);
        QrDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
    }
}

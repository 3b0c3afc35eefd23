using Jasmine.Bots.Admin;

namespace Jasmine.Bots.Staff;

/// <summary>"staff add" and "staff reset": the only way in to the console, from the server's shell.</summary>
public sealed class StaffCommand(StaffAccounts accounts, AuditLog audit) : IAdminCommand
{
    public string Name => "staff";
    public string Usage => "staff add <login> --role moderator|followup|admin | staff reset <login>   prints a one-time password on the last line";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var positional = AdminArgs.Positional(args, "--role");
        switch (positional.FirstOrDefault())
        {
            case "add" when positional.Count == 2:
                var role = (AdminArgs.Option(args, "--role") ?? throw new UsageException("--role is required.")) switch
                {
                    "moderator" => StaffRole.Moderator,
                    "followup" or "follow-up" => StaffRole.FollowUp,
                    "admin" => StaffRole.Admin,
                    var other => throw new UsageException($"Unknown role '{other}'."),
                };
                string password;
                try { password = accounts.Add(positional[1], role); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException) { output.WriteLine(e.Message); return Task.FromResult(1); }
                audit.Write("cli", "staff.add", StaffAccounts.Normalise(positional[1]));
                output.WriteLine($"Staff account '{StaffAccounts.Normalise(positional[1])}' ({role.ToString().ToLowerInvariant()}) created. One-time password, to be changed at first login (then the authenticator app is enrolled):");
                output.WriteLine(password);
                return Task.FromResult(0);
            case "reset" when positional.Count == 2:
                try { password = accounts.Reset(positional[1]); }
                catch (KeyNotFoundException e) { output.WriteLine(e.Message); return Task.FromResult(1); }
                audit.Write("cli", "staff.reset", StaffAccounts.Normalise(positional[1]));
                output.WriteLine($"Staff account '{StaffAccounts.Normalise(positional[1])}' reset: lock-out cleared, authenticator to enrol again. One-time password:");
                output.WriteLine(password);
                return Task.FromResult(0);
            default:
                throw new UsageException("Unknown or incomplete staff command.");
        }
    }
}

using Jasmine.Bots.Domain;

namespace Jasmine.Bots.FollowUp;

public sealed class FollowUpOptions
{
    public const string Section = "Jasmine:FollowUp";

    /// <summary>Categories that make a follow-up case urgent: routed to the rota at once and escalated (every report with consent opens a case).</summary>
    public List<string> SevereCategories { get; set; } = [.. ReportCategories.SevereByDefault];
    /// <summary>Addresses (URNs) of the staff on call, in rota order: telegram:123, signal:+33…, tel:+33…</summary>
    public List<string> Rota { get; set; } = [];
    /// <summary>
    /// Admins' addresses (URNs, like the rota): they are told of every case nobody on call can take (rota unset) and of
    /// severe cases still unacknowledged once the whole rota has been called.
    /// </summary>
    public List<string> Admins { get; set; } = [];
    /// <summary>A staff group that sees every new case (optional).</summary>
    public string? Group { get; set; }
    /// <summary>Time to acknowledge before the next person on the rota is called.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Closed cases keep her contact details this long, then lose them.</summary>
    public int ContactRetentionDays { get; set; } = 30;
}

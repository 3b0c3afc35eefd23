using Jasmine.Bots.Domain;

namespace Jasmine.Bots.FollowUp;

public sealed class FollowUpOptions
{
    public const string Section = "Jasmine:FollowUp";

    /// <summary>Categories that make a report a follow-up case (when she agreed to be contacted).</summary>
    public List<string> SevereCategories { get; set; } = [.. ReportCategories.SevereByDefault];
    /// <summary>Addresses (URNs) of the staff on call, in rota order: telegram:123, signal:+33…, tel:+33…</summary>
    public List<string> Rota { get; set; } = [];
    /// <summary>A staff group that sees every new case (optional).</summary>
    public string? Group { get; set; }
    /// <summary>Time to acknowledge before the next person on the rota is called.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Closed cases keep her contact details this long, then lose them.</summary>
    public int ContactRetentionDays { get; set; } = 30;
}

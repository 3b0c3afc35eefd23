namespace Jasmine.Bots.Safety;

public sealed class CheckInOptions
{
    public const string Section = "Jasmine:CheckIn";
    /// <summary>How long after "All good?" the on-call staff are alerted if she has not answered.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>
    /// How often a waiting check-in looks at the clock again. The job is scheduled for the due time, but never further
    /// than this ahead: an alert is late by at most this much, whatever the job store's clock did.
    /// </summary>
    public TimeSpan Poll { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Longest booking she may announce, in minutes.</summary>
    public int MaxMinutes { get; set; } = 720;
    /// <summary>A closed check-in (and everything she left in it) is erased this long after it closed.</summary>
    public TimeSpan KeepAfterClose { get; set; } = TimeSpan.FromHours(24);
}

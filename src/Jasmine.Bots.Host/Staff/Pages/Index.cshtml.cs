using Jasmine.Bots.FollowUp;

namespace Jasmine.Bots.Staff.Pages;

public sealed class IndexModel(Moderation moderation, CaseService cases, RepeatOffenders repeats, Channels.Outbox.OutboxDispatcher dispatcher) : StaffPage
{
    public int ToReview { get; private set; }
    public int OpenCases { get; private set; }
    public int Flagged { get; private set; }
    /// <summary>Cases opened while nobody was on call: shown first, to every follow-up staff member and admin.</summary>
    public IReadOnlyList<CaseDoc> Queued { get; private set; } = [];
    /// <summary>The SMS lane's day (counts only, nothing personal); null when SMS is not configured.</summary>
    public Channels.Outbox.LaneStatus? Sms { get; private set; }

    public void OnGet()
    {
        Sms = dispatcher.Lane("tel");
        if (Moderates)
        {
            ToReview = moderation.ToReview();
            Flagged = repeats.CountFlagged();
        }
        if (FollowsUp)
        {
            var open = cases.OpenFirst();
            OpenCases = open.Count;
            Queued = open.Where(c => c.Queued).ToList();
        }
    }
}

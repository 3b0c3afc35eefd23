using System.Text.RegularExpressions;
using Jasmine.Bots.Channels;
using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.FollowUp;

/// <summary>
/// Messages from the follow-up staff's own chats: ACK / CLOSE / relay commands instead of the member flows.
/// Staff are recognised by their configured addresses, never by anything they type.
/// </summary>
public sealed partial class StaffChat(CaseService cases, StaffTexts texts) : IInboundInterceptor
{
    public IReadOnlyList<Reply>? TryHandle(string urn, Inbound input)
    {
        if (!cases.IsStaff(urn)) return null;
        var text = input.Text.Trim();
        var staff = urn;
        string Say(string key, Dictionary<string, string>? args = null) => texts.Get(key, args);

        if (AckPattern().Match(text) is { Success: true } ack)
        {
            var reference = ack.Groups[1].Value.ToUpperInvariant();
            var args = new Dictionary<string, string> { ["reference"] = reference, ["staff"] = Members.Urns.Scheme(staff) + " on-call" };
            return [new Reply(cases.Acknowledge(reference, args["staff"], urn) switch
            {
                CaseService.AckResult.Done => Say("case.acked", args),
                CaseService.AckResult.AlreadyAcknowledged => Say("case.already_acked", args),
                _ => Say("case.unknown", args),
            })];
        }
        if (ClosePattern().Match(text) is { Success: true } close)
        {
            var reference = close.Groups[1].Value.ToUpperInvariant();
            var outcome = close.Groups[2].Value.Trim();
            return [new Reply(cases.Close(reference, outcome.Length > 0 ? outcome : "closed", "staff")
                ? Say("case.closed", new() { ["reference"] = reference, ["outcome"] = outcome })
                : Say("case.unknown", new() { ["reference"] = reference }))];
        }
        if (RelayPattern().Match(text) is { Success: true } relay)
        {
            var reference = relay.Groups[1].Value.ToUpperInvariant();
            return [new Reply(cases.RelayToVictim(reference, relay.Groups[2].Value.Trim(), "staff")
                ? Say("case.relayed", new() { ["reference"] = reference })
                : Say("case.unknown", new() { ["reference"] = reference }))];
        }
        if (text.Equals("CASES", StringComparison.OrdinalIgnoreCase))
        {
            var open = cases.Cases.Find(c => c.Status != CaseStatus.Closed).OrderBy(c => c.CreatedAt)
                .Select(c => $"{c.Reference} {c.Status} {c.CreatedAt:dd/MM HH:mm}").ToList();
            return [new Reply(open.Count == 0 ? Say("case.none") : Say("case.list", new() { ["cases"] = string.Join('\n', open) }))];
        }
        return [new Reply(Say("case.help"))];
    }

    [GeneratedRegex(@"^(?:ack:|ack\s+)(R-[A-Z0-9]{4,8})$", RegexOptions.IgnoreCase)]
    private static partial Regex AckPattern();

    [GeneratedRegex(@"^close\s+(R-[A-Z0-9]{4,8})\s*(.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ClosePattern();

    [GeneratedRegex(@"^(R-[A-Z0-9]{4,8})\s+(.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex RelayPattern();
}

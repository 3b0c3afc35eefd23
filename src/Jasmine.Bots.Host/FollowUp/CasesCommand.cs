using Jasmine.Bots.Admin;
using Jasmine.Bots.Alerts;

namespace Jasmine.Bots.FollowUp;

public sealed class CasesCommand(CaseService cases) : IAdminCommand
{
    public string Name => "cases";
    public string Usage => "cases list | cases ack <ref> [--by <name>] | cases close <ref> <outcome…> | cases relay <ref> <message…>";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var positional = AdminArgs.Positional(args, "--by");
        var by = AdminArgs.Option(args, "--by") ?? "cli";
        switch (positional.FirstOrDefault())
        {
            case "list":
                var all = cases.Cases.FindAll().OrderBy(c => c.CreatedAt).ToList();
                if (all.Count == 0) output.WriteLine("No cases.");
                foreach (var c in all)
                    output.WriteLine($"{c.Reference}  {c.Status,-12}  {(c.Severe ? "urgent" : "normal"),-6}  {(c.Queued && c.Status == CaseStatus.Open ? "queued (nobody on call)  " : "")}level {c.Level}  " +
                        $"contact {c.ContactWay ?? "-"}  language {c.Language}  opened {c.CreatedAt:yyyy-MM-dd HH:mm}  {(c.HolderName is null ? "" : "held by " + c.HolderName)}");
                return Task.FromResult(0);
            case "ack" when positional.Count == 2:
                var result = cases.Acknowledge(positional[1], by, null);
                output.WriteLine(result switch
                {
                    CaseService.AckResult.Done => $"{positional[1].ToUpperInvariant()} acknowledged by {by}; she is told someone will contact her.",
                    CaseService.AckResult.AlreadyAcknowledged => $"{positional[1].ToUpperInvariant()} was already acknowledged.",
                    _ => $"No open case {positional[1]}.",
                });
                return Task.FromResult(result == CaseService.AckResult.Unknown ? 1 : 0);
            case "close" when positional.Count >= 3:
                var closed = cases.Close(positional[1], string.Join(' ', positional.Skip(2)), by);
                output.WriteLine(closed ? $"{positional[1].ToUpperInvariant()} closed." : $"No open case {positional[1]}.");
                return Task.FromResult(closed ? 0 : 1);
            case "relay" when positional.Count >= 3:
                var relayed = cases.RelayToVictim(positional[1], string.Join(' ', positional.Skip(2)), by);
                output.WriteLine(relayed ? "Message queued for her." : $"Cannot relay to {positional[1]}.");
                return Task.FromResult(relayed ? 0 : 1);
            default:
                throw new UsageException("Unknown or incomplete cases command.");
        }
    }
}

public sealed class WarningsCommand(WarningsService warnings, Channels.Outbox.OutboxStore outbox, Channels.Outbox.OutboxDispatcher dispatcher) : IAdminCommand
{
    public string Name => "warnings";
    public string Usage => "warnings status   push warnings and their progress";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        if (args.FirstOrDefault() != "status") throw new UsageException("Unknown warnings command.");
        if (warnings.Fanouts.Count() == 0) output.WriteLine("No push warnings.");
        foreach (var f in warnings.Fanouts.FindAll().OrderBy(f => f.CreatedAt))
        {
            // Sent messages leave the outbox: what this fan-out queued and is no longer there went out.
            var (pending, failed) = outbox.CountFor(WarningsService.OriginOf(f));
            output.WriteLine($"{f.Id[..8]}  {f.Status,-8}  {(f.Departement ?? "France")}  {f.Considered} members considered, {f.Queued} queued, " +
                $"{Math.Max(0, f.Queued - pending - failed)} sent, {pending} waiting, {failed} failed  started {f.CreatedAt:yyyy-MM-dd HH:mm}" +
                (f.FinishedAt is { } done ? $", queueing done {done:HH:mm:ss}" : ""));
            // SMS go one at a time under a daily budget: say how many of this warning wait there, and what the phone reported.
            var sms = outbox.LaneWaitingFor(WarningsService.OriginOf(f));
            var delivery = outbox.DeliveryFor(WarningsService.OriginOf(f));
            if (sms > 0 || delivery.Count > 0)
                output.WriteLine($"          SMS: {sms} waiting in the SMS lane; phone reported " +
                    string.Join(", ", new[] { Channels.Outbox.DeliveryState.Accepted, Channels.Outbox.DeliveryState.Sent, Channels.Outbox.DeliveryState.Delivered, Channels.Outbox.DeliveryState.Failed }
                        .Select(s => $"{delivery.GetValueOrDefault(s)} {s.ToString().ToLowerInvariant()}")));
        }
        output.WriteLine($"outbox: {outbox.PendingCount()} message(s) waiting to be sent");
        foreach (var line in Channels.Sms.SmsCommand.StatusLines(dispatcher)) output.WriteLine(line);
        return Task.FromResult(0);
    }
}

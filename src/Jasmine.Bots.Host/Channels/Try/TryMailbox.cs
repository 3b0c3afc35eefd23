using System.Collections.Concurrent;
using Jasmine.Bots.Members;

namespace Jasmine.Bots.Channels.Try;

/// <summary>
/// The try-it channel's way out for messages nobody asked for (warnings, case news): held in memory until the
/// web chat polls for them. Local trying only; nothing here survives a restart, by design.
/// </summary>
public sealed class TryMailbox(Microsoft.Extensions.Options.IOptions<JasmineOptions> options, IHostEnvironment environment) : IChannelSender
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<OutboundMessage>> _boxes = new(StringComparer.Ordinal);

    public string Scheme => "try";
    public bool IsEnabled => TryItEndpoints.IsEnabled(options.Value, environment);

    public Task<SendOutcome> SendAsync(string urn, OutboundMessage message, CancellationToken ct)
    {
        _boxes.GetOrAdd(Urns.Path(urn), _ => new ConcurrentQueue<OutboundMessage>()).Enqueue(message);
        return Task.FromResult(SendOutcome.Sent());
    }

    public IReadOnlyList<OutboundMessage> Drain(string from)
    {
        if (!_boxes.TryGetValue(from, out var queue)) return [];
        var list = new List<OutboundMessage>();
        while (queue.TryDequeue(out var m)) list.Add(m);
        return list;
    }
}

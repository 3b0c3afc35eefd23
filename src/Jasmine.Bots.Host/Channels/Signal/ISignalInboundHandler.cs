namespace Jasmine.Bots.Channels.Signal;

/// <summary>Receives each direct Signal text once. Resolved in a fresh DI scope per message.</summary>
public interface ISignalInboundHandler
{
    Task HandleAsync(SignalInbound message, CancellationToken ct);
}

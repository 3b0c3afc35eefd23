using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Jasmine.Bots.Tests.Support;

/// <summary>
/// TestServer gives every request no remote address; this puts one there (127.0.0.1, or the test's
/// <see cref="Header"/>) before the host's own pipeline, as Kestrel would for a real connection.
/// </summary>
public sealed class PeerAddress : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            var given = context.Request.Headers[Header].ToString();
            context.Connection.RemoteIpAddress = IPAddress.TryParse(given, out var ip) ? ip : IPAddress.Loopback;
            context.Request.Headers.Remove(Header);
            return nextMiddleware(context);
        });
        next(app);
    };
}

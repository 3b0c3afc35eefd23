using Jasmine.Bots.Channels.Try;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Support;

/// <summary>
/// The try-it chat knows a person by the session cookie the host issued. Tests that need a known address
/// ("try:staff-ana" on a rota) ask the host's own <see cref="TrySessions"/> for that cookie, as the host would issue it.
/// </summary>
public static class TryCookie
{
    public static HttpRequestMessage Request(IServiceProvider services, HttpMethod method, string url, string from, HttpContent? content = null) =>
        Request(services.GetRequiredService<TrySessions>(), method, url, from, content);

    public static HttpRequestMessage Request(TrySessions sessions, HttpMethod method, string url, string from, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", $"{TrySessions.Cookie}={sessions.Issue(from)}");
        return request;
    }
}

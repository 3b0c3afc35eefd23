using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Jasmine.Bots.Security;

/// <summary>What every request goes through before any feature: the TLS proxy's headers, HSTS, body limits, quiet request logs.</summary>
public static class SecurityExtensions
{
    /// <summary>Any inbound body is small; the webhooks set tighter limits of their own.</summary>
    public const long MaxRequestBodyBytes = 2 * 1024 * 1024;

    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        // The hosting layer logs every request's full URL, query string included ("?from=…" named a person). Our own
        // code logs counts and statuses; the framework's per-request lines are not needed.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning);
        // Routing and results log four lines per request at information: the try-it page polls every 3 s, and those
        // lines buried the one that matters on a first run (the master key was just generated: back it up).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Mvc", LogLevel.Warning);
        // Hangfire announces its dispatchers in eight lines at every start and stop; its warnings and errors stay.
        builder.Logging.AddFilter("Hangfire", LogLevel.Warning);

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f =>
        {
            // The staff console's forms are small; a form of 2,000 keys or 10 MB values is not a person typing.
            f.ValueCountLimit = 256;
            f.ValueLengthLimit = 256 * 1024;
            f.KeyLengthLimit = 256;
            f.MultipartBodyLengthLimit = MaxRequestBodyBytes;
        });

        var proxies = builder.Configuration.GetSection("Jasmine:KnownProxies").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named in configuration are believed; without any, forwarded headers are ignored.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()))
            {
                if (IPAddress.TryParse(proxy, out var ip)) o.KnownProxies.Add(ip);
                else if (System.Net.IPNetwork.TryParse(proxy, out var network)) o.KnownIPNetworks.Add(network);
                else throw new InvalidOperationException("Jasmine:KnownProxies holds an entry that is neither an IP address nor a network (CIDR).");
            }
        });
        builder.Services.AddHostedService<SecurityRetention>();
        builder.Services.AddHostedService<Screening.AllowanceFlusher>();
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
        });
        return builder;
    }

    /// <summary>First in the pipeline: behind the documented TLS proxy, requests are HTTPS again, so cookies are Secure.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        return app;
    }
}

using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Jasmine.Bots.Jobs;

/// <summary>
/// Hangfire's logs into the host's logging. Hangfire keeps loggers in static fields, bound to whichever provider was
/// current when each class was first used: with Hangfire.AspNetCore's provider, a second host in the same process
/// (the tests start many) would log into the first host's disposed logger factory and fail job creation with
/// ObjectDisposedException. This provider is process-wide and forwards to the latest host's factory instead.
/// </summary>
internal sealed class HangfireLogs : ILogProvider
{
    public static readonly HangfireLogs Instance = new();
    private volatile ILoggerFactory? _factory;

    public void Use(ILoggerFactory factory) => _factory = factory;

    public ILog GetLogger(string name) => new ForwardingLog(this, name);

    private sealed class ForwardingLog(HangfireLogs owner, string name) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            try
            {
                if (owner._factory?.CreateLogger(name) is not { } logger || !logger.IsEnabled(level)) return false;
                if (messageFunc is null) return true;
#pragma warning disable CA2254 // Hangfire hands over finished text, not a template.
                logger.Log(level, exception, messageFunc());
#pragma warning restore CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                // That host is gone and no other has started since: nothing to log to.
                return false;
            }
        }
    }
}

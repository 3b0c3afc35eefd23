using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Channels.Outbox;

/// <summary>Who sends a conversation's messages (or runs a budgeted lane) until when.</summary>
public sealed class ClaimDoc
{
    public string Id { get; set; } = "";
    public string Host { get; set; } = "";
    public DateTime Until { get; set; }
}

/// <summary>
/// When several hosts share one database, each conversation's messages are sent by one host at a time, and each
/// budgeted lane (SMS) runs on one host at a time: a lease in the store, taken with one conditional write (atomic in
/// the database, no transaction), renewed while the host works and dropped when it is done. A host killed
/// mid-way leaves its leases to run out; another host then takes the conversation over and sends what is still in the
/// outbox. On the embedded store there is one host by construction and nothing is written.
/// </summary>
public sealed class Claims(JasmineStore store, TimeProvider time, Microsoft.Extensions.Options.IOptions<JasmineOptions> options)
{
    /// <summary>This process, for the life of the process: a restarted host does not inherit the leases of its previous run.</summary>
    public string Host { get; } = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    public bool Enabled => store.Shared;

    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, options.Value.Store.ClaimSeconds));
    private IDocs<ClaimDoc> Docs => store.Collection<ClaimDoc>("claims");

    /// <summary>True when this host holds the lease on <paramref name="key"/> now (taken, renewed, or nobody else's running).</summary>
    public bool TryClaim(string key)
    {
        if (!Enabled) return true;
        var now = time.GetUtcNow().UtcDateTime;
        var host = Host;
        // One conditional write, not a transaction: taken when nobody holds it, it is ours already, or its holder let it run out.
        return Docs.UpsertWhen(new ClaimDoc { Id = key, Host = host, Until = now + Lease }, held => held.Host == host || held.Until <= now);
    }

    /// <summary>When a lease taken now should be renewed.</summary>
    public DateTime NextRenewal() => time.GetUtcNow().UtcDateTime + Lease / 2;

    /// <summary>Renews a lease this host holds once half of it has run (a long send keeps its conversation).</summary>
    public bool Renew(string key, ref DateTime renewAt)
    {
        if (!Enabled) return true;
        var now = time.GetUtcNow().UtcDateTime;
        if (now < renewAt) return true;
        renewAt = now + Lease / 2;
        return TryClaim(key);
    }

    public void Release(string key)
    {
        if (!Enabled) return;
        var host = Host;
        Docs.DeleteMany(c => c.Id == key && c.Host == host);
    }
}

using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Staff;

/// <summary>Failed sign-in attempts behind one key (a login, a login on a known device, an IP address): never the key itself.</summary>
public sealed class ThrottleDoc
{
    public string Id { get; set; } = "";
    public int Failures { get; set; }
    public DateTime LastAttemptAt { get; set; }
    public DateTime? BlockedUntil { get; set; }
}

/// <summary>The answer of <see cref="LoginThrottle.Begin"/>: go on and check the secret, or wait.</summary>
public sealed record ThrottleGate(bool Allowed, TimeSpan Wait, IReadOnlyList<string> Keys);

/// <summary>
/// Slows whoever guesses instead of locking out the person guessed at. Each attempt is counted <em>before</em> the
/// password is checked, atomically in the store, so fifty parallel guesses are fifty failures, not one; after a few
/// free attempts each key must wait an exponentially growing delay (capped). The keys are the login (or, for a
/// browser where that login already signed in fully, the login on that device: an attacker elsewhere cannot slow her
/// down) and the IP address. Unknown logins are throttled exactly like known ones, so the answers tell nothing apart.
/// </summary>
public sealed class LoginThrottle(JasmineStore store, StaffAccountStore accounts, TimeProvider time)
{
    public const int FreeAttemptsPerLogin = 5;
    public const int FreeAttemptsPerAddress = 20;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    /// <summary>A key untouched this long starts again from zero.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(24);
    private readonly Lock _gate = new();

    private IDocs<ThrottleDoc> Docs => store.Collection<ThrottleDoc>("staff_throttle");

    public string LoginKey(string step, string login, string? deviceId) =>
        accounts.ThrottleKey(deviceId is null ? $"{step}|login|{login}" : $"{step}|device|{login}|{deviceId}");

    public string AddressKey(string step, string ip) => accounts.ThrottleKey($"{step}|ip|{ip}");

    /// <summary>Counts one attempt against every key, unless one of them must still wait (then nothing is counted).</summary>
    public ThrottleGate Begin(string loginKey, string addressKey)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            return store.InTransaction(() =>
            {
                var login = Load(loginKey, now);
                var address = Load(addressKey, now);
                var wait = Max(login.BlockedUntil, address.BlockedUntil) is { } until && until > now ? until - now : TimeSpan.Zero;
                if (wait > TimeSpan.Zero) return new ThrottleGate(false, wait, []);
                Count(login, FreeAttemptsPerLogin, now);
                Count(address, FreeAttemptsPerAddress, now);
                return new ThrottleGate(true, TimeSpan.Zero, [loginKey, addressKey]);
            });
        }
    }

    /// <summary>The secret was right: the login's count starts again; the address keeps the others' failures, less this attempt.</summary>
    public void Succeeded(ThrottleGate gate)
    {
        if (gate.Keys.Count < 2) return;
        lock (_gate)
        {
            store.InTransaction(() =>
            {
                Docs.Delete(gate.Keys[0]);
                if (Docs.FindById(gate.Keys[1]) is { } address)
                {
                    address.Failures = Math.Max(0, address.Failures - 1);
                    Docs.Update(address);
                }
            });
        }
    }

    /// <summary>An admin reset the account: whatever was counted against its login is forgotten.</summary>
    public void Forget(string loginKey)
    {
        lock (_gate) Docs.Delete(loginKey);
    }

    public int Failures(string key) => Docs.FindById(key)?.Failures ?? 0;

    /// <summary>Retention: keys untouched for a day go.</summary>
    public int Purge(DateTime now)
    {
        lock (_gate) return Docs.DeleteMany(d => d.LastAttemptAt < now - ForgetAfter);
    }

    private ThrottleDoc Load(string key, DateTime now)
    {
        var doc = Docs.FindById(key);
        if (doc is null || doc.LastAttemptAt < now - ForgetAfter) return new ThrottleDoc { Id = key };
        return doc;
    }

    private void Count(ThrottleDoc doc, int free, DateTime now)
    {
        doc.Failures++;
        doc.LastAttemptAt = now;
        if (doc.Failures > free)
        {
            // 1 s, 2 s, 4 s … up to the cap: a person who mistyped waits seconds, a guesser waits minutes per guess.
            var exponent = Math.Min(doc.Failures - free - 1, 20);
            var delay = TimeSpan.FromSeconds(Math.Pow(2, exponent));
            doc.BlockedUntil = now + (delay < MaxDelay ? delay : MaxDelay);
        }
        Docs.Upsert(doc);
    }

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

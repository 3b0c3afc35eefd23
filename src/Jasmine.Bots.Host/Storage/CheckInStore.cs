using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Safety;

// In the storage folder with the other stores; its namespace stays the feature's, where its callers find it.

public enum CheckInStatus { Waiting, Asked, Closed, Alerted }

/// <summary>One announced booking. Everything that says who, with whom or where is encrypted; the row is erased a day after it closes.</summary>
public sealed class CheckInDoc
{
    public string Id { get; set; } = "";
    /// <summary>Keyed hash of her member id: the collection does not say whose bookings it holds.</summary>
    public string MemberKey { get; set; } = "";
    public string MemberIdEnc { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime? AskedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public CheckInStatus Status { get; set; }
    /// <summary>The client's identifier as the screening encodes it ("id:Phone:+33…"), encrypted.</summary>
    public string? ClientEnc { get; set; }
    public string? PlaceEnc { get; set; }
    public string? ContactEnc { get; set; }
}

/// <summary>Her own words for "all good" and for "help, someone is watching me": encrypted, bound to her.</summary>
public sealed class CheckInWordsDoc
{
    public string Id { get; set; } = "";
    public string? OkWordEnc { get; set; }
    public string? DuressWordEnc { get; set; }
}

public sealed record CheckIn(string Id, string MemberId, DateTime DueAt, CheckInStatus Status, string? Client, string? Place, string? Contact, DateTime? ClosedAt);

/// <summary>
/// Check-ins in and out of the store, in clear for the caller and encrypted inside. The purpose binds every field to
/// its check-in, so a value copied to another row does not decrypt.
/// </summary>
public sealed class CheckInStore(JasmineStore store)
{
    public const string Collection = "checkins";
    private const string Purpose = "checkin";
    private IDocs<CheckInDoc> Docs => store.Collection<CheckInDoc>(Collection);
    private IDocs<CheckInWordsDoc> Words => store.Collection<CheckInWordsDoc>("checkin_words");

    private string Key(string memberId) => store.Protector.Hash(Purpose, memberId);
    private string? Protect(string id, string? value) => value is null ? null : store.Protector.Protect($"{Purpose}/{id}", value);
    private string? Unprotect(string id, string? value) => value is null ? null : store.Protector.Unprotect($"{Purpose}/{id}", value);

    public CheckIn Open(string memberId, DateTime now, DateTime due, string? client, string? place, string? contact)
    {
        var id = Guid.NewGuid().ToString("N");
        Docs.Insert(new CheckInDoc
        {
            Id = id, MemberKey = Key(memberId), MemberIdEnc = Protect(id, memberId)!, CreatedAt = now, DueAt = due, Status = CheckInStatus.Waiting,
            ClientEnc = Protect(id, client), PlaceEnc = Protect(id, place), ContactEnc = Protect(id, contact),
        });
        return Find(id)!;
    }

    public CheckIn? Find(string id) => Docs.FindById(id) is { } d ? Clear(d) : null;

    /// <summary>Her check-in still waiting for an answer, if any (one at a time).</summary>
    public CheckIn? OpenFor(string memberId)
    {
        var key = Key(memberId);
        return Docs.Find(d => d.MemberKey == key && (d.Status == CheckInStatus.Waiting || d.Status == CheckInStatus.Asked))
            .OrderByDescending(d => d.CreatedAt).Select(Clear).FirstOrDefault();
    }

    public IReadOnlyList<string> OpenIds() =>
        Docs.Find(d => d.Status == CheckInStatus.Waiting || d.Status == CheckInStatus.Asked).Select(d => d.Id).ToList();

    /// <summary>Moves a check-in on only from the state the caller saw: a reply and the job may race.</summary>
    public bool Move(string id, CheckInStatus from, CheckInStatus to, DateTime now) => store.InTransaction(() =>
    {
        if (Docs.FindById(id) is not { } doc || doc.Status != from) return false;
        doc.Status = to;
        if (to == CheckInStatus.Asked) doc.AskedAt = now;
        if (to is CheckInStatus.Closed or CheckInStatus.Alerted) doc.ClosedAt = now;
        Docs.Update(doc);
        return true;
    });

    /// <summary>Retention: a check-in is gone a day after it closed, with everything she left in it.</summary>
    public int DeleteClosedBefore(DateTime cutoff) =>
        Docs.DeleteMany(d => (d.Status == CheckInStatus.Closed || d.Status == CheckInStatus.Alerted) && d.ClosedAt < cutoff);

    public int Count() => Docs.Count();

    public void SetWords(string memberId, string? okWord, string? duressWord, bool setOk, bool setDuress)
    {
        var key = Key(memberId);
        var doc = Words.FindById(key) ?? new CheckInWordsDoc { Id = key };
        if (setOk) doc.OkWordEnc = okWord is null ? null : store.Protector.Protect($"{Purpose}-words/{memberId}", okWord);
        if (setDuress) doc.DuressWordEnc = duressWord is null ? null : store.Protector.Protect($"{Purpose}-words/{memberId}", duressWord);
        Words.Upsert(doc);
    }

    public (string? Ok, string? Duress) WordsOf(string memberId) =>
        Words.FindById(Key(memberId)) is { } d
            ? (d.OkWordEnc is null ? null : store.Protector.Unprotect($"{Purpose}-words/{memberId}", d.OkWordEnc),
               d.DuressWordEnc is null ? null : store.Protector.Unprotect($"{Purpose}-words/{memberId}", d.DuressWordEnc))
            : (null, null);

    /// <summary>Part of "erase my data".</summary>
    public void Erase(string memberId)
    {
        var key = Key(memberId);
        Docs.DeleteMany(d => d.MemberKey == key);
        Words.Delete(key);
    }

    private CheckIn Clear(CheckInDoc d) =>
        new(d.Id, Unprotect(d.Id, d.MemberIdEnc)!, d.DueAt, d.Status, Unprotect(d.Id, d.ClientEnc), Unprotect(d.Id, d.PlaceEnc), Unprotect(d.Id, d.ContactEnc), d.ClosedAt);
}

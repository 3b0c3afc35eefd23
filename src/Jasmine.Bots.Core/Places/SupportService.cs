namespace Jasmine.Bots.Places;

public enum ServiceKind { Community, Health, Emergency, Legal, Shelter, MentalHealth, HarmReduction, Police }

/// <summary>
/// A place or line a member can turn to. <see cref="OpeningHours"/> uses the OSM <c>opening_hours</c> subset that
/// <see cref="Places.OpeningHours"/> understands; <see cref="Hidden"/> keeps a service out of answers (e.g. a
/// shelter whose address must not be given out) while staff still see it.
/// </summary>
public sealed record SupportService(
    string Id,
    ServiceKind Kind,
    string Name,
    string Address,
    string Postcode,
    string Town,
    double Latitude,
    double Longitude,
    string Phone,
    string OpeningHours,
    IReadOnlyList<string> Languages,
    bool SexWorkerFriendly,
    bool Hidden);

namespace Jasmine.Bots.Places;

/// <summary>A French commune (or a municipal arrondissement of Paris, Lyon or Marseille) with one of its postcodes.</summary>
public sealed record Place(
    string InseeCode,
    string Name,
    string Postcode,
    string Departement,
    double Latitude,
    double Longitude,
    int Population);

namespace Jasmine.Bots.Identifiers;

public enum IdentifierKind { Phone, Email, Plate, Name, Handle }

/// <summary>A normalised identifier of a person: the same person typed two ways yields the same value.</summary>
public sealed record Identifier(IdentifierKind Kind, string Value);

namespace Jasmine.Bots.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Identifiers_compare_by_value() =>
        Assert.Equal(new Identifiers.Identifier(Identifiers.IdentifierKind.Phone, "+33612345678"),
                     new Identifiers.Identifier(Identifiers.IdentifierKind.Phone, "+33612345678"));
}

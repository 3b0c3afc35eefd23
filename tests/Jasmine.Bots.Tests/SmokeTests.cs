using Jasmine.Bots.Identifiers;

namespace Jasmine.Bots.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Identifiers_compare_by_value() =>
        Assert.Equal(new Identifier(IdentifierKind.Phone, "+33612345678"),
                     new Identifier(IdentifierKind.Phone, "+33612345678"));
}

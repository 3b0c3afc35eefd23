using Jasmine.Bots.Federation;
using Jasmine.Bots.Tests.Support;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Tests.Federation;

public sealed class FederationOptionsTests
{
    [Theory]
    [InlineData("Jasmine:Federation:Partners:0:PublicKey", "not-a-key", "Jasmine:Federation:Partners:0:PublicKey must be base64")]
    [InlineData("Jasmine:Federation:Partners:0:Country", "Belgium", "Jasmine:Federation:Partners:0:Country must be a two-letter")]
    [InlineData("Jasmine:Federation:Partners:0:BaseUrl", "ftp://partner.example", "Jasmine:Federation:Partners:0:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Jasmine:Federation:Partners:0:Share:0", "Name", "Share may list Phone, Email and Plate only")]
    [InlineData("Jasmine:Federation:SigningKey", "c2hvcnQ=", "Jasmine:Federation:SigningKey must be base64 of 32 bytes")]
    public void A_bad_partner_setting_stops_the_start_with_one_line_naming_it_and_not_its_value(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Jasmine:Federation:Partners:0:Id"] = "be",
            ["Jasmine:Federation:Partners:0:Country"] = "BE",
            ["Jasmine:Federation:Partners:0:PublicKey"] = Convert.ToBase64String(Ed25519Key.FromSeed(new byte[32]).PublicKey),
            [key] = value,
        };
        using var host = new JasmineFactory(settings);
        var error = Assert.Throws<OptionsValidationException>(() => host.Services);
        Assert.Contains(expected, error.Message);
        if (value.Length > 8) Assert.DoesNotContain(value, error.Message);
    }
}

using Jasmine.Bots.Channels.Sms;

namespace Jasmine.Bots.Tests.Sms;

public sealed class TwilioSignatureTests
{
    // Twilio's published example, used by its own helper libraries' tests.
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    private static readonly KeyValuePair<string, string>[] Form =
    [
        new("To", "+18005551212"),
        new("CallSid", "CA1234567890ABCDE"),
        new("From", "+14158675309"),
        new("Digits", "1234"),
        new("Caller", "+14158675309"),
    ];

    [Fact]
    public void The_published_example_computes_to_twilios_signature() =>
        Assert.Equal(Expected, TwilioSignature.Compute(Token, Url, Form));

    [Fact]
    public void The_published_example_is_valid() =>
        Assert.True(TwilioSignature.IsValid(Token, Url, Form, Expected));

    [Fact]
    public void A_signature_over_the_url_with_the_default_port_added_is_valid()
    {
        var signed = TwilioSignature.Compute(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", Form);
        Assert.True(TwilioSignature.IsValid(Token, Url, Form, signed));
    }

    [Fact]
    public void A_signature_over_the_url_without_its_explicit_port_is_valid() =>
        Assert.True(TwilioSignature.IsValid(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", Form, Expected));

    [Fact]
    public void Http_urls_get_port_80_as_their_default()
    {
        var signed = TwilioSignature.Compute(Token, "http://example.org:80/sms", Form);
        Assert.True(TwilioSignature.IsValid(Token, "http://example.org/sms", Form, signed));
    }

    [Fact]
    public void A_different_port_is_not_accepted()
    {
        var signed = TwilioSignature.Compute(Token, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", Form);
        Assert.False(TwilioSignature.IsValid(Token, Url, Form, signed));
    }

    [Fact]
    public void A_tampered_parameter_is_rejected()
    {
        var tampered = Form.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1235") : p);
        Assert.False(TwilioSignature.IsValid(Token, Url, tampered, Expected));
    }

    [Fact]
    public void An_added_parameter_is_rejected() =>
        Assert.False(TwilioSignature.IsValid(Token, Url, Form.Append(new("Body", "STOP")), Expected));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_header_is_rejected(string? header) =>
        Assert.False(TwilioSignature.IsValid(Token, Url, Form, header));

    [Fact]
    public void A_different_token_is_rejected() =>
        Assert.False(TwilioSignature.IsValid("54321", Url, Form, Expected));

    [Fact]
    public void The_host_case_is_not_normalised() =>
        Assert.False(TwilioSignature.IsValid(Token, "https://MyCompany.com/myapp.php?foo=1&bar=2", Form, Expected));

    [Fact]
    public void Repeated_keys_are_sorted_by_value_too()
    {
        KeyValuePair<string, string>[] a = [new("MediaUrl", "b"), new("MediaUrl", "a"), new("Body", "x")];
        KeyValuePair<string, string>[] b = [new("Body", "x"), new("MediaUrl", "a"), new("MediaUrl", "b")];
        Assert.Equal(TwilioSignature.Compute(Token, Url, a), TwilioSignature.Compute(Token, Url, b));
        Assert.Equal(TwilioSignature.Compute(Token, Url + "BodyxMediaUrlaMediaUrlb", []), TwilioSignature.Compute(Token, Url, a));
    }

    [Theory]
    [InlineData("https://h.example/p?q=1", new[] { "https://h.example/p?q=1", "https://h.example:443/p?q=1" })]
    [InlineData("https://h.example:8443/p", new[] { "https://h.example:8443/p", "https://h.example/p" })]
    [InlineData("https://h.example", new[] { "https://h.example", "https://h.example:443" })]
    [InlineData("http://[::1]/sms", new[] { "http://[::1]/sms", "http://[::1]:80/sms" })]
    [InlineData("http://[::1]:5000/sms", new[] { "http://[::1]:5000/sms", "http://[::1]/sms" })]
    public void Url_variants_add_or_remove_the_port_and_nothing_else(string url, string[] expected) =>
        Assert.Equal(expected, TwilioSignature.UrlVariants(url));
}

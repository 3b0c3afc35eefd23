using Jasmine.Bots.Federation;

namespace Jasmine.Bots.Tests.Federation;

/// <summary>RFC 9497 Appendix A.1.1, ristretto255-SHA512, OPRF mode: the published vectors, copied as printed.</summary>
public sealed class OprfVectorTests
{
    private const string Seed = "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3";
    private const string KeyInfo = "74657374206b6579";
    private const string SkSm = "5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e";

    public static TheoryData<string, string, string, string, string> Vectors => new()
    {
        {
            "00",
            "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706",
            "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
            "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
            "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6"
        },
        {
            "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
            "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706",
            "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
            "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
            "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73"
        },
    };

    private static byte[] Hex(string s) => Convert.FromHexString(s);
    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    [Fact]
    public void DeriveKeyPair_gives_the_published_secret_key()
    {
        Assert.Equal(SkSm, Hex(Oprf.DeriveKey(Hex(Seed), Hex(KeyInfo))));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Blind_evaluate_and_finalize_give_the_published_values(string input, string blind, string blindedElement, string evaluationElement, string output)
    {
        var key = Oprf.DeriveKey(Hex(Seed), Hex(KeyInfo));

        var blinded = Oprf.Blind(Hex(input), Hex(blind));
        Assert.Equal(blindedElement, Hex(blinded.BlindedElement));

        var evaluated = Oprf.BlindEvaluate(key, blinded.BlindedElement);
        Assert.Equal(evaluationElement, Hex(evaluated));

        Assert.Equal(output, Hex(Oprf.Finalize(Hex(input), blinded.Blind, evaluated)));
        Assert.Equal(output, Hex(Oprf.Evaluate(key, Hex(input))));
    }

    [Fact]
    public void A_random_blind_hides_the_input_yet_finalizes_to_the_same_output()
    {
        var key = Oprf.DeriveKey(Hex(Seed), Hex(KeyInfo));
        var input = "Phone:+33612345678"u8.ToArray();
        var first = Oprf.Blind(input);
        var second = Oprf.Blind(input);
        Assert.NotEqual(Hex(first.BlindedElement), Hex(second.BlindedElement));
        Assert.Equal(Hex(Oprf.Evaluate(key, input)), Hex(Oprf.Finalize(input, first.Blind, Oprf.BlindEvaluate(key, first.BlindedElement))));
        Assert.Equal(Hex(Oprf.Evaluate(key, input)), Hex(Oprf.Finalize(input, second.Blind, Oprf.BlindEvaluate(key, second.BlindedElement))));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")] // the identity
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // not canonical
    [InlineData("00")]                                                               // too short
    public void An_evaluation_request_that_is_not_a_group_element_is_refused(string element)
    {
        var key = Oprf.DeriveKey(Hex(Seed), Hex(KeyInfo));
        Assert.Throws<OprfException>(() => Oprf.BlindEvaluate(key, Hex(element)));
    }

    [Fact]
    public void An_Ed25519_signature_verifies_only_for_its_message_and_key()
    {
        var key = Ed25519Key.FromSeed(new byte[32]);
        var other = Ed25519Key.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray());
        var message = "list 2026-12-01"u8.ToArray();
        var signature = key.Sign(message);
        Assert.True(Ed25519Key.Verify(key.PublicKey, message, signature));
        Assert.False(Ed25519Key.Verify(other.PublicKey, message, signature));
        Assert.False(Ed25519Key.Verify(key.PublicKey, "list 2026-12-02"u8.ToArray(), signature));
    }
}

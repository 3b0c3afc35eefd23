namespace Jasmine.Bots.Federation;

/// <summary>Ed25519 signatures (libsodium's crypto_sign), for the lists and requests partners exchange.</summary>
public sealed class Ed25519Key
{
    private readonly byte[] _secret;

    private Ed25519Key(byte[] publicKey, byte[] secret)
    {
        PublicKey = publicKey;
        _secret = secret;
    }

    public byte[] PublicKey { get; }

    /// <summary>The key pair of a 32-byte seed (the secret an admin keeps; the public key goes to partners).</summary>
    public static Ed25519Key FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Sodium.SignSeedBytes) throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        Sodium.EnsureInitialised();
        var pk = new byte[Sodium.SignPublicKeyBytes];
        var sk = new byte[Sodium.SignSecretKeyBytes];
        if (Sodium.crypto_sign_seed_keypair(pk, sk, seed.ToArray()) != 0) throw new InvalidOperationException("Ed25519 key derivation failed.");
        return new Ed25519Key(pk, sk);
    }

    public byte[] Sign(byte[] message)
    {
        var signature = new byte[Sodium.SignatureBytes];
        if (Sodium.crypto_sign_detached(signature, out _, message, (ulong)message.Length, _secret) != 0) throw new InvalidOperationException("Ed25519 signing failed.");
        return signature;
    }

    public static bool Verify(byte[] publicKey, byte[] message, byte[] signature)
    {
        if (publicKey.Length != Sodium.SignPublicKeyBytes || signature.Length != Sodium.SignatureBytes) return false;
        Sodium.EnsureInitialised();
        return Sodium.crypto_sign_verify_detached(signature, message, (ulong)message.Length, publicKey) == 0;
    }
}

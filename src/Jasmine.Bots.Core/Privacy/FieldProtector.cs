using System.Security.Cryptography;
using System.Text;

namespace Jasmine.Bots.Privacy;

/// <summary>
/// The storage boundary's two tools: a keyed hash to find a value without keeping it, and authenticated
/// encryption (AES-GCM) for the values staff must read back. Both keys derive from one master key so a single
/// secret has to be kept safe; the purpose is bound into each so a value moved to another field does not decrypt.
/// </summary>
public sealed class FieldProtector
{
    private const string Prefix = "v1.";
    private readonly byte[] _hashKey;
    private readonly byte[] _encryptionKey;

    public FieldProtector(byte[] masterKey)
    {
        if (masterKey.Length < 32) throw new ArgumentException("The master key must be at least 32 bytes.", nameof(masterKey));
        _hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "jasmine/hash/v1"u8.ToArray());
        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "jasmine/aead/v1"u8.ToArray());
    }

    public static byte[] NewMasterKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Deterministic, keyed: the same normalised value always gives the same look-up key.</summary>
    public string Hash(string purpose, string value)
    {
        var mac = HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(purpose + "\u001f" + value));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// A value with a keyed MAC beside it ("value.mac"), for cookies the host issues: only this key can make one.
    /// <paramref name="context"/> is bound into the MAC without being written (the login a device cookie belongs to).
    /// </summary>
    public string Sign(string purpose, string value, string context = "") => value + "." + Hash(purpose, context + "|" + value);

    /// <summary>The value inside a token made by <see cref="Sign"/> for this purpose and context, or null (missing, forged, altered).</summary>
    public string? Verify(string purpose, string? token, string context = "")
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var dot = token.LastIndexOf('.');
        if (dot <= 0) return null;
        var value = token[..dot];
        var expected = Encoding.ASCII.GetBytes(Hash(purpose, context + "|" + value));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token[(dot + 1)..])) ? value : null;
    }

    public string Protect(string purpose, string plaintext) => Prefix + Convert.ToBase64String(ProtectBytes(purpose, Encoding.UTF8.GetBytes(plaintext)));

    public string Unprotect(string purpose, string protectedValue)
    {
        if (!protectedValue.StartsWith(Prefix, StringComparison.Ordinal)) throw new CryptographicException("Not a protected value.");
        return Encoding.UTF8.GetString(UnprotectBytes(purpose, Convert.FromBase64String(protectedValue[Prefix.Length..])));
    }

    public string? ProtectOrNull(string purpose, string? plaintext) => plaintext is null ? null : Protect(purpose, plaintext);
    public string? UnprotectOrNull(string purpose, string? protectedValue) => protectedValue is null ? null : Unprotect(purpose, protectedValue);

    public byte[] ProtectBytes(string purpose, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[12 + plaintext.Length + 16];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length, 16), Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    public byte[] UnprotectBytes(string purpose, ReadOnlySpan<byte> data)
    {
        if (data.Length < 28) throw new CryptographicException("Protected data is too short.");
        var plaintext = new byte[data.Length - 28];
        using var aes = new AesGcm(_encryptionKey, 16);
        aes.Decrypt(data[..12], data.Slice(12, plaintext.Length), data[^16..], plaintext, Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }
}

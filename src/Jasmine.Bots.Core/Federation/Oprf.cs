using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Jasmine.Bots.Federation;

/// <summary>The input does not map to a usable group element, or a received element is not one.</summary>
public sealed class OprfException(string message) : Exception(message);

/// <summary>What the client keeps (<see cref="Blind"/>) and what it sends (<see cref="BlindedElement"/>).</summary>
public sealed record BlindedInput(byte[] Blind, byte[] BlindedElement);

/// <summary>
/// OPRF, base mode (mode 0), suite ristretto255-SHA512 of RFC 9497. The group operations are libsodium's
/// (crypto_core_ristretto255_*, crypto_scalarmult_ristretto255); this class only frames bytes as the RFC says:
/// hash_to_ristretto255 of RFC 9380 (expand_message_xmd with SHA-512, then libsodium's one-way map), HashToScalar,
/// DeriveKeyPair, Blind, BlindEvaluate, Finalize and Evaluate.
/// </summary>
public static class Oprf
{
    public const string Suite = "ristretto255-SHA512";
    public const int OutputBytes = 64;
    public const int ElementBytes = Sodium.RistrettoBytes;
    public const int ScalarBytes = Sodium.ScalarBytes;

    /// <summary>"OPRFV1-" || I2OSP(mode, 1) || "-" || identifier, mode 0 (OPRF).</summary>
    private static readonly byte[] ContextString = [.. "OPRFV1-"u8, 0x00, .. "-"u8, .. Encoding.ASCII.GetBytes(Suite)];
    private static readonly byte[] HashToGroupDst = [.. "HashToGroup-"u8, .. ContextString];
    private static readonly byte[] HashToScalarDst = [.. "HashToScalar-"u8, .. ContextString];
    private static readonly byte[] DeriveKeyPairDst = [.. "DeriveKeyPair"u8, .. ContextString];

    /// <summary>DeriveKeyPair(seed, info): the server's secret scalar, deterministic from a secret seed of 32 bytes.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> info)
    {
        if (seed.Length != ScalarBytes) throw new ArgumentException("The seed is 32 bytes.", nameof(seed));
        if (info.Length > ushort.MaxValue) throw new ArgumentException("The info is too long.", nameof(info));
        var deriveInput = new byte[seed.Length + 2 + info.Length + 1];
        seed.CopyTo(deriveInput);
        BinaryPrimitives.WriteUInt16BigEndian(deriveInput.AsSpan(seed.Length), (ushort)info.Length);
        info.CopyTo(deriveInput.AsSpan(seed.Length + 2));
        for (var counter = 0; counter <= 255; counter++)
        {
            deriveInput[^1] = (byte)counter;
            var sk = HashToScalar(deriveInput, DeriveKeyPairDst);
            if (!IsZero(sk)) return sk;
        }
        throw new OprfException("DeriveKeyPair found no non-zero scalar.");
    }

    /// <summary>Blind(input). <paramref name="blind"/> is for test vectors only; otherwise a fresh random scalar.</summary>
    public static BlindedInput Blind(ReadOnlySpan<byte> input, byte[]? blind = null)
    {
        var element = HashToGroup(input);
        if (IsZero(element)) throw new OprfException("The input maps to the identity element.");
        if (blind is null)
        {
            blind = new byte[ScalarBytes];
            do Sodium.crypto_core_ristretto255_scalar_random(blind); while (IsZero(blind));
        }
        else if (blind.Length != ScalarBytes || IsZero(blind)) throw new ArgumentException("A blind is a non-zero 32-byte scalar.", nameof(blind));
        return new BlindedInput(blind, Multiply(blind, element));
    }

    /// <summary>BlindEvaluate(skS, blindedElement), after checking what came over the wire is a non-identity element.</summary>
    public static byte[] BlindEvaluate(byte[] key, ReadOnlySpan<byte> blindedElement) => Multiply(key, Deserialize(blindedElement));

    /// <summary>Finalize(input, blind, evaluatedElement): the PRF output, 64 bytes.</summary>
    public static byte[] Finalize(ReadOnlySpan<byte> input, byte[] blind, ReadOnlySpan<byte> evaluatedElement)
    {
        var evaluated = Deserialize(evaluatedElement);
        var inverse = new byte[ScalarBytes];
        if (Sodium.crypto_core_ristretto255_scalar_invert(inverse, blind) != 0) throw new OprfException("The blind has no inverse.");
        return FinalHash(input, Multiply(inverse, evaluated));
    }

    /// <summary>Evaluate(skS, input): what the key holder computes directly; equal to the client's Finalize.</summary>
    public static byte[] Evaluate(byte[] key, ReadOnlySpan<byte> input)
    {
        var element = HashToGroup(input);
        if (IsZero(element)) throw new OprfException("The input maps to the identity element.");
        return FinalHash(input, Multiply(key, element));
    }

    // ---- RFC 9497 / RFC 9380 building blocks ----

    /// <summary>hash_to_ristretto255: 64 uniform bytes from expand_message_xmd, mapped by libsodium's from_hash.</summary>
    internal static byte[] HashToGroup(ReadOnlySpan<byte> input)
    {
        Sodium.EnsureInitialised();
        var uniform = ExpandMessageXmd(input, HashToGroupDst, 64);
        var element = new byte[ElementBytes];
        if (Sodium.crypto_core_ristretto255_from_hash(element, uniform) != 0) throw new OprfException("hash_to_ristretto255 failed.");
        return element;
    }

    /// <summary>HashToScalar: 64 bytes of expand_message_xmd read little-endian and reduced modulo the group order.</summary>
    internal static byte[] HashToScalar(ReadOnlySpan<byte> input, ReadOnlySpan<byte> dst)
    {
        Sodium.EnsureInitialised();
        var uniform = ExpandMessageXmd(input, dst, Sodium.NonReducedScalarBytes);
        var scalar = new byte[ScalarBytes];
        Sodium.crypto_core_ristretto255_scalar_reduce(scalar, uniform);
        return scalar;
    }

    /// <summary>expand_message_xmd of RFC 9380 §5.3.1 with SHA-512 (b_in_bytes 64, s_in_bytes 128).</summary>
    internal static byte[] ExpandMessageXmd(ReadOnlySpan<byte> msg, ReadOnlySpan<byte> dst, int lenInBytes)
    {
        const int b = 64, s = 128;
        // A DST over 255 bytes is first hashed (§5.3.3); ours are short, but the function should be whole.
        byte[] dstBytes = dst.Length > 255 ? SHA512.HashData([.. "H2C-OVERSIZE-DST-"u8, .. dst]) : dst.ToArray();
        var ell = (lenInBytes + b - 1) / b;
        if (ell > 255 || lenInBytes > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(lenInBytes));
        byte[] dstPrime = [.. dstBytes, (byte)dstBytes.Length];

        var msgPrime = new byte[s + msg.Length + 2 + 1 + dstPrime.Length];
        msg.CopyTo(msgPrime.AsSpan(s));
        BinaryPrimitives.WriteUInt16BigEndian(msgPrime.AsSpan(s + msg.Length), (ushort)lenInBytes);
        msgPrime[s + msg.Length + 2] = 0;
        dstPrime.CopyTo(msgPrime.AsSpan(s + msg.Length + 3));
        var b0 = SHA512.HashData(msgPrime);

        var output = new byte[ell * b];
        var block = new byte[b + 1 + dstPrime.Length];
        dstPrime.CopyTo(block.AsSpan(b + 1));
        var previous = new byte[b];
        for (var i = 1; i <= ell; i++)
        {
            for (var j = 0; j < b; j++) block[j] = (byte)(b0[j] ^ (i == 1 ? 0 : previous[j]));
            block[b] = (byte)i;
            previous = SHA512.HashData(block);
            previous.CopyTo(output.AsSpan((i - 1) * b));
        }
        return output.AsSpan(0, lenInBytes).ToArray();
    }

    private static byte[] FinalHash(ReadOnlySpan<byte> input, byte[] unblinded)
    {
        var hashInput = new byte[2 + input.Length + 2 + unblinded.Length + "Finalize"u8.Length];
        BinaryPrimitives.WriteUInt16BigEndian(hashInput, (ushort)input.Length);
        input.CopyTo(hashInput.AsSpan(2));
        BinaryPrimitives.WriteUInt16BigEndian(hashInput.AsSpan(2 + input.Length), (ushort)unblinded.Length);
        unblinded.CopyTo(hashInput.AsSpan(4 + input.Length));
        "Finalize"u8.CopyTo(hashInput.AsSpan(4 + input.Length + unblinded.Length));
        return SHA512.HashData(hashInput);
    }

    /// <summary>DeserializeElement: canonical encoding (libsodium's check) and not the identity.</summary>
    private static byte[] Deserialize(ReadOnlySpan<byte> bytes)
    {
        Sodium.EnsureInitialised();
        if (bytes.Length != ElementBytes) throw new OprfException("An element is 32 bytes.");
        var element = bytes.ToArray();
        if (IsZero(element) || Sodium.crypto_core_ristretto255_is_valid_point(element) != 1) throw new OprfException("Not a valid ristretto255 element.");
        return element;
    }

    private static byte[] Multiply(byte[] scalar, byte[] element)
    {
        var result = new byte[ElementBytes];
        // libsodium answers -1 when the product is the identity: never a valid evaluation.
        if (Sodium.crypto_scalarmult_ristretto255(result, scalar, element) != 0) throw new OprfException("The product is the identity element.");
        return result;
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes)
    {
        var acc = 0;
        foreach (var x in bytes) acc |= x;
        return acc == 0;
    }
}

using System.Runtime.InteropServices;

namespace Jasmine.Bots.Federation;

/// <summary>
/// The few libsodium functions federation needs (the native <c>libsodium</c> package ships the library). The group
/// arithmetic of ristretto255 and Ed25519 stay libsodium's: nothing here does curve arithmetic itself.
/// </summary>
internal static class Sodium
{
    private const string Lib = "libsodium";

    public const int RistrettoBytes = 32;
    public const int ScalarBytes = 32;
    public const int NonReducedScalarBytes = 64;
    public const int HashBytes = 64;
    public const int SignSeedBytes = 32;
    public const int SignPublicKeyBytes = 32;
    public const int SignSecretKeyBytes = 64;
    public const int SignatureBytes = 64;

    private static readonly int Initialised = sodium_init();

    /// <summary>sodium_init is idempotent and thread-safe; 0 first time, 1 afterwards, -1 when the library cannot run.</summary>
    public static void EnsureInitialised()
    {
        if (Initialised < 0) throw new InvalidOperationException("libsodium could not be initialised.");
    }

    [DllImport(Lib)] private static extern int sodium_init();

    [DllImport(Lib)] public static extern int crypto_core_ristretto255_is_valid_point(byte[] p);
    [DllImport(Lib)] public static extern int crypto_core_ristretto255_from_hash(byte[] p, byte[] r);
    [DllImport(Lib)] public static extern int crypto_scalarmult_ristretto255(byte[] q, byte[] n, byte[] p);
    [DllImport(Lib)] public static extern int crypto_scalarmult_ristretto255_base(byte[] q, byte[] n);
    [DllImport(Lib)] public static extern void crypto_core_ristretto255_scalar_random(byte[] r);
    [DllImport(Lib)] public static extern void crypto_core_ristretto255_scalar_reduce(byte[] r, byte[] s);
    [DllImport(Lib)] public static extern int crypto_core_ristretto255_scalar_invert(byte[] recip, byte[] s);

    [DllImport(Lib)] public static extern int crypto_sign_seed_keypair(byte[] pk, byte[] sk, byte[] seed);
    [DllImport(Lib)] public static extern int crypto_sign_detached(byte[] sig, out ulong siglen, byte[] m, ulong mlen, byte[] sk);
    [DllImport(Lib)] public static extern int crypto_sign_verify_detached(byte[] sig, byte[] m, ulong mlen, byte[] pk);
}

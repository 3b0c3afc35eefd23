namespace Jasmine.Bots.Storage;

/// <summary>
/// Secrets derived from the host's master key, for features that need a key of their own (federation) without one
/// more file to keep safe: the same master key and purpose always give the same 32 bytes.
/// </summary>
public static class DerivedKeys
{
    public static byte[] Of(JasmineStore store, string purpose)
    {
        // The keyed hash of a fixed "v1" under the purpose: keys derived before this helper existed stay the same.
        var hash = store.Protector.Hash(purpose, "v1");
        return Convert.FromBase64String(hash.Replace('-', '+').Replace('_', '/') + "=");
    }
}

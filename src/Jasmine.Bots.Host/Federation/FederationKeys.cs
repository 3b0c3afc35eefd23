using System.Security.Cryptography;
using System.Text;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Storage;
using Microsoft.Extensions.Options;

namespace Jasmine.Bots.Federation;

/// <summary>
/// Our signing key and our OPRF keys. There is one OPRF key per partner and per kind of identifier: a list handed
/// to one partner cannot be matched against another partner's, and a kind an admin does not share has no key at all.
/// </summary>
public sealed class FederationKeys
{
    private readonly byte[] _oprfSeed;
    private readonly Dictionary<(string, IdentifierKind), byte[]> _oprf = [];
    private readonly Lock _gate = new();

    public FederationKeys(IOptions<FederationOptions> options, JasmineStore store)
    {
        var o = options.Value;
        // Derived from the master key unless an admin gives them: nothing more to keep safe than what already is.
        var signingSeed = string.IsNullOrEmpty(o.SigningKey) ? Derived(store, "federation.signing") : Convert.FromBase64String(o.SigningKey);
        _oprfSeed = string.IsNullOrEmpty(o.OprfSeed) ? Derived(store, "federation.oprf") : Convert.FromBase64String(o.OprfSeed);
        Signing = Ed25519Key.FromSeed(signingSeed);
        CryptographicOperations.ZeroMemory(signingSeed);
        PublicKey = Convert.ToBase64String(Signing.PublicKey);
    }

    public Ed25519Key Signing { get; }
    /// <summary>Base64 of our Ed25519 public key: what partners put in their configuration.</summary>
    public string PublicKey { get; }

    /// <summary>The OPRF key we use for one partner (named by its public key, which both sides agree on) and one kind.</summary>
    public byte[] OprfKey(string partnerPublicKey, IdentifierKind kind)
    {
        lock (_gate)
        {
            if (_oprf.TryGetValue((partnerPublicKey, kind), out var key)) return key;
            key = Oprf.DeriveKey(_oprfSeed, Encoding.UTF8.GetBytes($"jasmine-federation-v1|{partnerPublicKey}|{kind}"));
            _oprf[(partnerPublicKey, kind)] = key;
            return key;
        }
    }

    private static byte[] Derived(JasmineStore store, string purpose) => DerivedKeys.Of(store, purpose);
}

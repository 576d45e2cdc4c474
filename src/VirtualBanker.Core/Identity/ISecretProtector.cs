namespace VirtualBanker.Core.Identity;

/// <summary>Encrypts secrets kept at rest (signing keys, tenant integration keys). The Api backs it with Data Protection.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);

    string Unprotect(string protectedText);
}

using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Tenancy;

/// <summary>
/// The tenant the current unit of work is scoped to. It follows the signed-in principal; background
/// work and cross-tenant look-ups (a refresh token or API key that names its own tenant) enter an
/// explicit scope. With neither, queries on tenant-owned rows return nothing: isolation fails closed.
/// </summary>
public sealed class TenantContext(ICurrentPrincipal principal)
{
    private string? _tenantOverride;
    private int _systemDepth;

    public string? TenantId => _tenantOverride ?? principal.TenantId;

    /// <summary>True inside <see cref="BeginSystemScope"/>: the tenant filter is off and writes are not checked.</summary>
    public bool IsSystem => _systemDepth > 0;

    public void UseTenant(string tenantId) => _tenantOverride = tenantId;

    public IDisposable BeginSystemScope()
    {
        _systemDepth++;
        return new Scope(() => _systemDepth--);
    }

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private Action? _onDispose = onDispose;

        public void Dispose()
        {
            _onDispose?.Invoke();
            _onDispose = null;
        }
    }
}

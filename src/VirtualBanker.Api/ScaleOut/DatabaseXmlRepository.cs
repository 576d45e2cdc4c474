using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Api.ScaleOut;

/// <summary>Data Protection's key ring in the shared database, so every node protects and unprotects with the same keys.</summary>
internal sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = Open(out var db);
        return db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).AsEnumerable().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = Open(out var db);
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }

    private IServiceScope Open(out VirtualBankerDbContext db)
    {
        var scope = scopes.CreateScope();
        db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        return scope;
    }
}

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// The server reads <c>appsettings.json</c> and serves <c>wwwroot</c> from its own folder (beside <c>VirtualBanker.Api.dll</c>; the build
/// and publish both put them there), whatever the working directory: started from another folder, as the README's scale-out command
/// does, it used to find neither and serve 404 pages. A content root set explicitly (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>,
/// <c>DOTNET_CONTENTROOT</c>; the test host sets one) wins. Relative data paths (<c>Database:DataDirectory</c>) stay relative to the
/// working directory, so a rebuild never touches the data.
/// </summary>
internal static class AppFolder
{
    public static WebApplicationOptions Options(string[] args)
    {
        var explicitRoot = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        var appFolder = AppContext.BaseDirectory;
        var useAppFolder = string.IsNullOrEmpty(explicitRoot) && File.Exists(Path.Combine(appFolder, "appsettings.json"));
        return new WebApplicationOptions { Args = args, ContentRootPath = useAppFolder ? appFolder : null };
    }
}

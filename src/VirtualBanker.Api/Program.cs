using VirtualBanker.Api.Hosting;
using VirtualBanker.Api.ScaleOut;
using VirtualBanker.Api.Surfaces.Customer;
using VirtualBanker.Api.Surfaces.Gateway;
using VirtualBanker.Api.Surfaces.Management;
using VirtualBanker.Api.Surfaces.Portal;
using VirtualBanker.Api.Surfaces.Workspace;
using VirtualBanker.Core;

var builder = WebApplication.CreateBuilder(AppFolder.Options(args));

builder.AddVirtualBankerHost();
builder.AddVirtualBankerData();
builder.Services.AddVirtualBankerCore();
builder.AddVirtualBankerScaleOut();
builder.AddVirtualBankerSecurity();
builder.AddDirectorySignIn();
builder.AddVirtualBankerObservability();
builder.AddVirtualBankerOpenApi();

var app = builder.Build();

app.UseVirtualBankerPipeline();
app.MapHealth();
app.MapVirtualBankerDocs();
app.MapPortalApi();
app.MapCustomerApi();
app.MapGatewayApi();
app.MapManagementApi();
app.MapWorkspaceApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

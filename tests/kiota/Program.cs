// What an integrator's program does with clients Kiota generated from the live OpenAPI documents: sign in, read the
// dashboard, page the transactions, post a gateway message and read its events back, sign in as an admin and list the
// agents. Prints one line per step; any failure is an exception and a non-zero exit.
// Arguments: base URL, customer e-mail, customer password, admin e-mail, admin password.
using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var (baseUrl, email, password, adminEmail, adminPassword) = (args[0], args[1], args[2], args[3], args[4]);

HttpClientRequestAdapter Adapter(string? token)
{
    var http = new HttpClient();
    if (token is not null)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    return new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl };
}

var login = await new Vb.Customer.CustomerClient(Adapter(null)).Api.Auth.Login.PostAsync(new() { Username = email, Password = password });
var customer = new Vb.Customer.CustomerClient(Adapter(login!.AccessToken));
var overview = await customer.Api.Dashboard.Overview.GetAsync();
Console.WriteLine($"dashboard {overview!.TotalBalance} {overview.Accounts!.Count} {overview.FiguresPeriod}");
var page = await customer.Api.Transactions.GetAsync(r => { r.QueryParameters.Page = 2; r.QueryParameters.Limit = 5; });
Console.WriteLine($"transactions {page!.Page} {page.Transactions!.Count} {page.Total}");

var gateway = new Vb.Gateway.GatewayClient(Adapter(login.AccessToken));
var posted = await gateway.V1.Session.Message.PostAsync(new() { Message = "What is my balance?" });
await using (var events = await gateway.V1.Session[posted!.SessionId].Events.GetAsync())
{
    using var reader = new StreamReader(events!);
    string? name = null;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (line.StartsWith("event: ", StringComparison.Ordinal))
        {
            name = line[7..];
        }
        else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "chat_end")
        {
            Console.WriteLine($"gateway {line[6..]}");
            break;
        }
    }
}

var admin = await new Vb.Management.ManagementClient(Adapter(null)).Api.V1.Auth.Login.PostAsync(new() { Email = adminEmail, Password = adminPassword });
var agents = await new Vb.Management.ManagementClient(Adapter(admin!.AccessToken)).Api.V1.Agents.GetAsync();
Console.WriteLine($"agents {string.Join(',', agents!.Select(a => a.Slug))}");

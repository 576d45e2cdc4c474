using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Workspace;

/// <summary>Where profile changes go when the directory accepts them over SCIM 2.0 (RFC 7644).</summary>
public sealed class ScimOptions
{
    /// <summary>The SCIM base URL, e.g. <c>https://idp.example/scim/v2</c>; profile changes stay local when empty.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Bearer token of a directory service account allowed to update users.</summary>
    public string? Token { get; set; }
}

/// <summary>
/// Sends a user's profile change to the directory, which stays the authority on it: the change is
/// written locally only once the directory has accepted it, so the next sign-in does not undo it.
/// The SCIM user id is the OpenID subject, as with Zitadel and most SCIM-capable providers.
/// </summary>
public sealed class ScimClient(IOptions<OidcOptions> options, HttpClient http)
{
    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Scim.Endpoint);

    public async Task PatchUserAsync(string subject, ProfileInput change, CancellationToken cancellationToken)
    {
        var scim = options.Value.Scim;
        var operations = new JsonArray();
        void Replace(string path, JsonNode? value) => operations.Add(new JsonObject { ["op"] = "replace", ["path"] = path, ["value"] = value });
        if (change.Email is { } email)
        {
            Replace("emails", new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true }));
        }

        if (change.FirstName is { } first)
        {
            Replace("name.givenName", first);
        }

        if (change.LastName is { } last)
        {
            Replace("name.familyName", last);
        }

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{scim.Endpoint!.TrimEnd('/')}/Users/{Uri.EscapeDataString(subject)}")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                ["Operations"] = operations,
            }, new MediaTypeHeaderValue("application/scim+json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", scim.Token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AppException(DirectoryUnavailable);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new AppException((int)response.StatusCode is 400 or 409 ? AppError.Conflict("The directory refused this change.") : DirectoryUnavailable);
            }
        }
    }

    private static AppError DirectoryUnavailable => new(ErrorCodes.Server, 502, "The directory could not be reached; nothing was changed.");
}

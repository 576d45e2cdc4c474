using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// One OpenAPI document per surface (/openapi/{surface}.json), all browsable at /docs, written for generated clients:
/// every operation has a unique operationId, a summary and a description (the handlers' XML doc comments, read by the
/// OpenAPI source generator), the security it really requires, and its errors in its surface's shape.
/// </summary>
internal static partial class OpenApiExtensions
{
    private const string Bearer = "bearer";
    private const string ApiKey = "apiKey";
    private const string ClientId = "clientId";
    private const string PortalToken = "portalSession";
    private const string ErrorSchema = "Error";

    public static WebApplicationBuilder AddVirtualBankerOpenApi(this WebApplicationBuilder builder)
    {
        foreach (var surface in Enum.GetValues<ApiSurface>())
        {
            // Two arguments: the XML doc comment generator intercepts this overload whatever the name's expression.
            builder.Services.AddOpenApi(surface.DocumentName(), options =>
            {
                options.AddDocumentTransformer((document, _, _) => Describe(document, surface));
                options.AddOperationTransformer((operation, context, cancellationToken) => DescribeOperationAsync(operation, context, surface, cancellationToken));
                options.AddSchemaTransformer((schema, context, _) => Types(schema, context));
            });
        }

        return builder;
    }

    /// <summary>The stream resumes after the <c>Last-Event-ID</c> header's event.</summary>
    public static RouteHandlerBuilder AcceptsLastEventId(this RouteHandlerBuilder builder) => builder.WithMetadata(LastEventIdHeader);

    /// <summary>The endpoint is a WebSocket: documented as an upgrade, its frames in the AsyncAPI document.</summary>
    public static RouteHandlerBuilder DescribedAsWebSocket(this RouteHandlerBuilder builder) => builder.WithMetadata(WebSocketUpgrade);

    /// <summary>The operation takes an optional <c>Idempotency-Key</c> header: a retry with the same key does the change once.</summary>
    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder builder) => builder.WithMetadata(IdempotencyKeyHeader);

    public static WebApplication MapVirtualBankerDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        // Offline and vendor-neutral: fonts, telemetry, the AI agent, MCP and the hosted-client button are off, and the
        // page's script is served from here (a bank's intranet may reach nothing else).
        app.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("VirtualBanker API").DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp()
                .HideClientButton().HideDeveloperTools().AddPreferredSecuritySchemes(Bearer);
            foreach (var surface in Enum.GetValues<ApiSurface>())
            {
                o.AddDocument(surface.DocumentName(), surface.ToString());
            }

            o.AddAsyncApiDocument("virtualbanker", "WebSockets (AsyncAPI)", AsyncApiPath);
        }).AllowAnonymous();

        // The WebSocket protocols of every surface, written by hand beside the sockets they describe (Hosting/asyncapi.json).
        app.MapGet(AsyncApiPath, () => TypedResults.Stream(
                typeof(OpenApiExtensions).Assembly.GetManifestResourceStream("VirtualBanker.Api.asyncapi.json")!, "application/json"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private const string AsyncApiPath = "/asyncapi/virtualbanker.json";

    // Endpoint metadata the operation transformer looks for (by reference).
    private static readonly object IdempotencyKeyHeader = new(), LastEventIdHeader = new(), WebSocketUpgrade = new();

    /// <summary>
    /// Types as a client generator needs them. A number is a number: the server also reads "12" for 12 (the web
    /// defaults), but a client is told to send 12, not <c>integer | string</c> with a pattern that generated clients turn
    /// into strings.
    /// </summary>
    private static Task Types(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        // Strings pass through NoNulStringConverter, a converter the generator cannot see into: they are strings.
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null)
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        // A nullable field without [Required] may be left out: it is not "required" (the generator lists every record parameter).
        if (context.JsonPropertyInfo is null && schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties)
            {
                if (property.IsGetNullable && property.AttributeProvider?.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute), true) != true)
                {
                    required.Remove(property.Name);
                }
            }
        }

        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>Who may call an operation, from its authorization policy: the schemes, each a requirement of its own (any one will do).</summary>
    private static string[][] Schemes(string? policy) => policy switch
    {
        AuthPolicies.PortalSession => [[PortalToken]],
        AuthPolicies.PortalSessionOrAdmin => [[PortalToken], [Bearer]],
        AuthPolicies.Chat => [[Bearer], [PortalToken]],
        AuthPolicies.Gateway => [[Bearer], [ApiKey, ClientId], [PortalToken]],
        AuthPolicies.Realtime => [[PortalToken], [ApiKey, ClientId]],
        AuthPolicies.GatewayHealth or AuthPolicies.GatewayAdmin or AuthPolicies.ManagementChat or AuthPolicies.Ingest => [[Bearer], [ApiKey, ClientId]],
        _ => [[Bearer]],
    };

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, ApiSurface surface, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];

        // A WebSocket upgrades (101); its frames are in the AsyncAPI document.
        if (metadata.Contains(WebSocketUpgrade))
        {
            operation.Responses.Remove("200");
            operation.Responses["101"] = new OpenApiResponse { Description = $"Switching Protocols: a WebSocket whose frames {AsyncApiPath} describes. A plain HTTP request is a 400." };
        }

        // Answers of two shapes for one status (text or voice): both, as oneOf (the generator keeps only the last).
        var metadataShapes = metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
            .Where(r => r.Type is not null && r.Type != typeof(void) && r.StatusCode is >= 200 and < 300);
        foreach (var shapes in metadataShapes.GroupBy(r => r.StatusCode).Where(g => g.Select(r => r.Type).Distinct().Count() > 1))
        {
            var schemas = new List<IOpenApiSchema>();
            foreach (var type in shapes.Select(r => r.Type!).Distinct())
            {
                schemas.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
            }

            if (operation.Responses.TryGetValue(shapes.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) && response.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Schema = new OpenApiSchema { OneOf = schemas };
                }
            }
        }

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var secured = !anonymous && authorize.Count > 0;
        if (!secured)
        {
            operation.Security = [new OpenApiSecurityRequirement()]; // said explicitly: no credentials needed
        }
        else
        {
            // The innermost policy decides (an endpoint's own narrows its group's).
            var policy = authorize.LastOrDefault(a => a.Policy is not null)?.Policy;
            operation.Security = [.. Schemes(policy).Select(names =>
            {
                var requirement = new OpenApiSecurityRequirement();
                foreach (var name in names)
                {
                    requirement[new OpenApiSecuritySchemeReference(name, context.Document)] = [];
                }

                return requirement;
            })];
        }

        // Query values a handler reads as text (to word its own 400) are documented as what they are.
        foreach (var described in context.Description.ParameterDescriptions)
        {
            var attributes = (described.ParameterDescriptor as Microsoft.AspNetCore.Mvc.Infrastructure.IParameterInfoParameterDescriptor)?.ParameterInfo.GetCustomAttributes(true) ?? [];
            var schema = attributes.OfType<QueryIntegerAttribute>().FirstOrDefault() is { } range
                ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = range.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture), Maximum = range.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : attributes.OfType<QueryUuidAttribute>().Any() ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" } : null;
            if (schema is not null && operation.Parameters?.FirstOrDefault(p => p.Name == described.Name) is OpenApiParameter parameter)
            {
                parameter.Schema = schema;
            }
        }

        if (metadata.Contains(LastEventIdHeader))
        {
            AddHeader(operation, "Last-Event-ID", "Resume after this event id (EventSource sends it when it reconnects); 0 or absent: from now.",
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" });
        }

        if (metadata.Contains(IdempotencyKeyHeader))
        {
            AddHeader(operation, "Idempotency-Key", "1-128 characters chosen by the client: a retry with the same key returns the first answer and changes nothing again.",
                new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128 });
        }

        var invalid = surface == ApiSurface.Management ? "422" : "400";
        var errors = new List<(string Status, string Text)> { (invalid, "The request is malformed or a value is invalid (the field is named).") };
        if (secured)
        {
            errors.Add(("401", "No credentials, or they are expired or revoked."));
            errors.Add(("403", "The credentials do not allow this operation."));
        }

        if (context.Description.ParameterDescriptions.Any(p => p.Source.Id == "Path"))
        {
            errors.Add(("404", "Nothing with this id exists for the caller (another tenant's or user's objects are not found either)."));
        }

        errors.Add(("429", "Over the rate limit; Retry-After says when to try again."));
        foreach (var (status, text) in errors)
        {
            if (!operation.Responses.ContainsKey(status))
            {
                operation.Responses[status] = ErrorResponse(surface, text, context.Document);
            }
        }
    }

    private static void AddHeader(OpenApiOperation operation, string name, string description, OpenApiSchema schema)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Header, Description = description, Schema = schema });
    }

    private static OpenApiResponse ErrorResponse(ApiSurface surface, string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [surface is ApiSurface.Customer or ApiSurface.Gateway ? "application/problem+json" : "application/json"] =
                new() { Schema = new OpenApiSchemaReference(ErrorSchema, document) },
        },
    };

    /// <summary>The document as a whole: its title, the security schemes and error shape its operations use, and unique operationIds.</summary>
    private static Task Describe(OpenApiDocument document, ApiSurface surface)
    {
        document.Info.Title = $"VirtualBanker · {surface} API";
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/'); // paths start with "/"
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ErrorSchema] = ErrorShape(surface);
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = "An access token from the surface's sign-in (POST /api/auth/login, POST /api/v1/auth/login, or the directory sign-in).",
            },
            [ApiKey] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-API-Key", Description = "A tenant's API key (POST /v1/keys), sent with X-Client-ID." },
            [ClientId] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Client-ID", Description = "The tenant the API key belongs to." },
            [PortalToken] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "A portal session's ephemeral_token (POST /v1/sessions): it opens that session only.",
            },
        };

        var operations = document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value))).ToList();
        foreach (var (path, method, operation) in operations)
        {
            // The XML comment's first sentence is the summary, the whole comment (and its remarks) the description.
            var text = operation.Summary?.Trim();
            if (string.IsNullOrEmpty(operation.Description) && !string.IsNullOrEmpty(text))
            {
                operation.Description = text;
            }

            if (!string.IsNullOrEmpty(text))
            {
                var end = SentenceEnd().Match(text);
                operation.Summary = end.Success ? text[..end.Index] : text.TrimEnd('.');
            }

            operation.OperationId ??= OperationIdOf(method, path);
        }

        // Unique across the document: a name used twice (two ListAsync) falls back to the method and path.
        foreach (var group in operations.GroupBy(o => o.Operation.OperationId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var (path, method, operation) in group)
            {
                operation.OperationId = OperationIdOf(method, path);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The method and the path, e.g. getApiDashboardOverview: unique in a document by construction.</summary>
    private static string OperationIdOf(HttpMethod method, string path) => method.ToString().ToLowerInvariant() + PascalPath(path);

    private static string PascalPath(string path) => string.Concat(path.Split(['/', '-', '_', '{', '}', '.'], StringSplitOptions.RemoveEmptyEntries)
        .Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>The error body each surface sends (see <see cref="ErrorRenderer"/>).</summary>
    private static OpenApiSchema ErrorShape(ApiSurface surface)
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        static OpenApiSchema Object(Dictionary<string, IOpenApiSchema> properties, params string[] required) =>
            new() { Type = JsonSchemaType.Object, Properties = properties, Required = new HashSet<string>(required) };
        return surface switch
        {
            ApiSurface.Portal => Object(new() { ["error"] = Text("The HTTP reason phrase."), ["message"] = Text("What went wrong, for a person.") }, "error", "message"),
            ApiSurface.Management => Object(new()
            {
                ["detail"] = Text("What went wrong, for a person."),
                ["status_code"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["type"] = Text("A stable error code, e.g. validation_error, not_found."),
            }, "detail", "status_code", "type"),
            ApiSurface.Workspace => Object(new()
            {
                ["error"] = Object(new()
                {
                    ["code"] = Text("A stable error code in capitals, e.g. FORBIDDEN, NOT_FOUND."),
                    ["message"] = Text("What went wrong, for a person."),
                    ["details"] = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, Description = "Field name → messages, for invalid input." },
                }, "code", "message"),
            }, "error"),
            _ => Object(new()
            {
                ["type"] = Text("about:blank"),
                ["title"] = Text("The HTTP reason phrase."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = Text("What went wrong, for a person."),
                ["code"] = Text("A stable error code, e.g. validation_error, insufficient_funds."),
                ["trace_id"] = Text("Quote it to support."),
                ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "Field name → messages, for invalid input." },
            }, "type", "title", "status", "detail", "code"),
        };
    }

    /// <summary>Where a doc comment's first sentence ends: a full stop, colon or semicolon before a space (not "conversation.message").</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"[.:;](?=\s)")]
    private static partial System.Text.RegularExpressions.Regex SentenceEnd();
}

/// <summary>A query value the handler parses itself (to word its own 400), documented as an integer in this range.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
internal sealed class QueryIntegerAttribute(int minimum, int maximum) : Attribute
{
    public int Minimum => minimum;

    public int Maximum => maximum;
}

/// <summary>A query value the handler parses itself, documented as a UUID.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
internal sealed class QueryUuidAttribute : Attribute;

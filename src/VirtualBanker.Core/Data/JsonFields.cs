using System.Text.Json.Nodes;

namespace VirtualBanker.Core.Data;

public static class JsonFields
{
    /// <summary>A string field of a JSON object (a socket frame, a settings section), or null when it is missing or not a string.</summary>
    public static string? Text(this JsonObject? obj, string name) =>
        obj?[name] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// No string in a request body may hold a NUL character: PostgreSQL's text refuses it (the request failed) while SQLite stored it,
/// so one body behaved differently per store. Now both answer 400 before anything is stored, for every field of every surface.
/// </summary>
internal sealed class NoNulStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException("Text may not contain NUL characters.") : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

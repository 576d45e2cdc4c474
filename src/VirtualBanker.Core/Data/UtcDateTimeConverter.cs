using System.Text.Json;
using System.Text.Json.Serialization;

namespace VirtualBanker.Core.Data;

/// <summary>
/// Every time the server writes is UTC and says so (<c>Z</c>). The server keeps UTC throughout, but SQLite gives back
/// timestamps without a kind, which the default converter writes without an offset: Java's <c>Instant.parse</c> refuses
/// them and JavaScript reads them as local time. This is the one place that fixes it, for every HTTP answer and the staff
/// queue's pushed items, whatever the store.
/// </summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTime();

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        });
}

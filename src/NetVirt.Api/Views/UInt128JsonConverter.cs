using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetVirt.Api.Views;

/// <summary>
/// Address counts as exact JSON integers: <c>"usable": 241</c>, and <c>"usable": 18446744073709551614</c> for an IPv6
/// /64. JSON numbers have no size limit; parsers that read them as doubles (JavaScript's <c>JSON.parse</c>) round
/// counts above 2^53, which for a count of that size is a rounding in the 16th digit. Reads numbers and, from older
/// servers, numeric strings.
/// </summary>
public sealed class UInt128JsonConverter : JsonConverter<UInt128>
{
    /// <inheritdoc />
    public override UInt128 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.Number or JsonTokenType.String => reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray(),
            _ => throw new JsonException($"expected an address count (an integer), found {reader.TokenType}"),
        };
        return UInt128.TryParse(System.Text.Encoding.UTF8.GetString(text), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"'{System.Text.Encoding.UTF8.GetString(text)}' is not an address count (a non-negative integer)");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, UInt128 value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(value.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}

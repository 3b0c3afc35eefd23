using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Jasmine.Bots.Channels.Http;

public enum BodyStatus { Ok, TooLarge, Malformed }

/// <summary>A request body read under a limit: the value, or why there is none.</summary>
public readonly record struct BodyResult<T>(BodyStatus Status, T? Value)
{
    /// <summary>A short answer without any framework detail: whoever sent an oversized or broken body learns nothing else.</summary>
    public IResult Problem() => Status == BodyStatus.TooLarge
        ? Results.Json(new { error = "The message is too large." }, statusCode: StatusCodes.Status413PayloadTooLarge)
        : Results.Json(new { error = "The message could not be read." }, statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>
/// Inbound bodies are read with a hard byte limit before anything parses them: Content-Length when there is one,
/// and a count of what actually arrives when there is not (a chunked body has no length). Framework exceptions
/// for a body past Kestrel's own limit are turned into the same short answer, never a 500 with a stack trace.
/// </summary>
public static class BoundedBody
{
    public static async Task<BodyResult<byte[]>> ReadBytesAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return new(BodyStatus.TooLarge, null);
        // Kestrel then stops reading past the limit itself (TestServer has no such feature; our count below still holds).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var body = new MemoryStream();
            while (true)
            {
                int read;
                try { read = await request.Body.ReadAsync(buffer, ct); }
                catch (BadHttpRequestException) { return new(BodyStatus.TooLarge, null); }
                if (read == 0) break;
                if (body.Length + read > maxBytes) return new(BodyStatus.TooLarge, null);
                body.Write(buffer, 0, read);
            }
            return new(BodyStatus.Ok, body.ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task<BodyResult<T>> ReadJsonAsync<T>(HttpRequest request, long maxBytes, CancellationToken ct, JsonSerializerOptions? options = null)
    {
        var bytes = await ReadBytesAsync(request, maxBytes, ct);
        if (bytes.Status != BodyStatus.Ok) return new(bytes.Status, default);
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes.Value, options ?? JsonSerializerOptions.Web);
            return value is null ? new(BodyStatus.Malformed, default) : new(BodyStatus.Ok, value);
        }
        catch (JsonException) { return new(BodyStatus.Malformed, default); }
    }

    /// <summary>Limits of an inbound webhook form: a Twilio SMS has about twenty short fields.</summary>
    public sealed record FormLimits(int MaxFields = 128, int MaxKeyLength = 128, int MaxValueLength = 8 * 1024);

    /// <summary>An application/x-www-form-urlencoded body as ordered pairs, under byte and field limits.</summary>
    public static async Task<BodyResult<IReadOnlyList<KeyValuePair<string, string>>>> ReadFormAsync(HttpRequest request, long maxBytes, FormLimits limits, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, maxBytes, ct);
        if (bytes.Status != BodyStatus.Ok) return new(bytes.Status, null);
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Value!); }
        catch (DecoderFallbackException) { return new(BodyStatus.Malformed, null); }
        try
        {
            using var reader = new FormReader(text)
            {
                ValueCountLimit = limits.MaxFields,
                KeyLengthLimit = limits.MaxKeyLength,
                ValueLengthLimit = limits.MaxValueLength,
            };
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var (key, values) in reader.ReadForm())
                foreach (var value in (StringValues)values) pairs.Add(new(key, value ?? ""));
            return new(BodyStatus.Ok, pairs);
        }
        catch (InvalidDataException) { return new(BodyStatus.TooLarge, null); }
    }
}

using System.Text;
using Microsoft.AspNetCore.Http;
using NetVirt.Api.Errors;

namespace NetVirt.Api.Hosting;

/// <summary>
/// Reads request bodies as text with a size limit (Kestrel enforces the same limit on the socket; this also holds
/// behind the test host and for chunked bodies). JSON and YAML are both read by the document loader, which reports
/// syntax errors with line and column.
/// </summary>
public static class RequestBody
{
    /// <summary>Default limit: 1 MiB, far above any single object and enough for a desired state of thousands of zones.</summary>
    public const long DefaultLimit = 1024 * 1024;

    /// <summary>The body as UTF-8 text; 413 when it exceeds <paramref name="limit"/>, 422 when it is empty.</summary>
    public static async Task<string> ReadTextAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        return string.IsNullOrWhiteSpace(text) ? throw new RequestInvalidException("$", "body.empty", "the request needs a body (JSON or YAML)") : text;
    }

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"the request body is larger than the limit of {limit} bytes", StatusCodes.Status413PayloadTooLarge);
}

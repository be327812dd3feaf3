using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NetVirt.Api.OpenApi;

/// <summary>
/// Serves <c>/openapi/v1.json</c> completed by <see cref="OpenApiPostProcessor"/>: the generated document is taken
/// from the framework's endpoint once, completed, and kept (the endpoints do not change while the server runs).
/// </summary>
public sealed class OpenApiRewriting(RequestDelegate next)
{
    /// <summary>The path of the document.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    private byte[]? _document;

    /// <summary>The document schema, embedded from <c>schemas/model/netvirt.schema.json</c>.</summary>
    public static JsonObject DocumentSchema()
    {
        using var stream = typeof(OpenApiRewriting).Assembly.GetManifestResourceStream("NetVirt.Api.netvirt.schema.json")
            ?? throw new InvalidOperationException("the document schema is not embedded in NetVirt.Api");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>Answers the document request; passes everything else on.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.Equals(DocumentPath, StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (_document is null)
        {
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                context.Response.Body = original;
            }

            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            var generated = JsonNode.Parse(Encoding.UTF8.GetString(buffer.ToArray()))!.AsObject();
            _document = JsonSerializer.SerializeToUtf8Bytes(OpenApiPostProcessor.Process(generated, DocumentSchema()), new JsonSerializerOptions { WriteIndented = true });
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = _document.Length;
        await context.Response.Body.WriteAsync(_document, context.RequestAborted).ConfigureAwait(false);
    }
}

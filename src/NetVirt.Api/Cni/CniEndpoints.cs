using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using NetVirt.Cni;
using NetVirt.Cni.Protocol;
using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Api.Cni;

/// <summary>
/// <c>POST /cni/{add|del|check|gc|status}</c>: the plugin's door, served on the daemon's unix socket only (a request
/// that arrives over TCP gets 404). Bodies are <see cref="AttachmentRequest"/>; answers are the ADD result, an empty
/// object, or a <see cref="DaemonError"/> carrying the CNI error code the plugin prints.
/// </summary>
public static partial class CniEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapCniEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPost("/cni/{command}", HandleAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task HandleAsync(string command, HttpContext context, ContainerAttachments attachments, ILoggerFactory loggers)
    {
        if (!UnixSocketPeer.IsUnixSocket(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var phase = NetVirt.Backends.Execution.Phases.Start("cni handler " + command);
        var logger = loggers.CreateLogger("NetVirt.Api.Cni");
        var ct = context.RequestAborted;
        AttachmentRequest? request = null;
        try
        {
            try
            {
                request = await JsonSerializer.DeserializeAsync(context.Request.Body, CniJsonContext.Default.AttachmentRequest, ct).ConfigureAwait(false)
                    ?? throw new CniException(CniErrorCode.DecodeFailure, "the plugin sent an empty request");
            }
            catch (JsonException ex)
            {
                throw new CniException(CniErrorCode.DecodeFailure, "the plugin's request is not an attachment request", ex.Message, ex);
            }

            switch (command)
            {
                case "add":
                    var result = await attachments.AddAsync(request, ct).ConfigureAwait(false);
                    Log.Attached(logger, request.ContainerId ?? "", request.Ifname ?? "", request.CniNetwork, string.Join(", ", result.Ips.Select(i => i.Address)));
                    await WriteAsync(context, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(result, CniJsonContext.Default.AttachmentResult)).ConfigureAwait(false);
                    return;
                case "del":
                    await attachments.DelAsync(request, ct).ConfigureAwait(false);
                    Log.Detached(logger, request.ContainerId ?? "", request.Ifname ?? "", request.CniNetwork);
                    break;
                case "check":
                    await attachments.CheckAsync(request, ct).ConfigureAwait(false);
                    break;
                case "gc":
                    await attachments.GcAsync(request, ct).ConfigureAwait(false);
                    break;
                case "status":
                    await attachments.StatusAsync(request, ct).ConfigureAwait(false);
                    break;
                default:
                    throw new CniException(CniErrorCode.InvalidEnvironment, $"unknown CNI command '{command}'");
            }

            await WriteAsync(context, StatusCodes.Status200OK, "{}"u8.ToArray()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ToError(ex) is { } error && !ct.IsCancellationRequested)
        {
            Log.Refused(logger, command, request?.ContainerId ?? "", request?.Ifname ?? "", error.Code, error.Msg);
            var status = error.Code == CniErrorCode.TryAgainLater ? StatusCodes.Status503ServiceUnavailable
                : error.Code >= CniErrorCode.Refused && error.Code != CniErrorCode.HostFailure ? StatusCodes.Status409Conflict
                : error.Code == CniErrorCode.HostFailure ? StatusCodes.Status502BadGateway
                : StatusCodes.Status400BadRequest;
            await WriteAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(error, CniJsonContext.Default.DaemonError)).ConfigureAwait(false);
        }
    }

    /// <summary>The CNI error a failure becomes, or null for a bug (the server's error handling logs it and answers 500).</summary>
    public static DaemonError? ToError(Exception exception) => exception switch
    {
        CniException cni => new DaemonError { Code = cni.Code, Msg = cni.Message, Details = cni.Details },
        ModelValidationException invalid => new DaemonError
        {
            Code = CniErrorCode.InvalidConfig,
            Msg = invalid.Errors.Count == 1 ? invalid.Errors[0].Message : $"the attachment is invalid ({invalid.Errors.Count} errors)",
            Details = string.Join("; ", invalid.Errors.Select(e => $"{e.Message} [{e.Code}]")),
        },
        // Refusals first: RequestRefusedException is an InvalidInputException, which the next arm would take as code 7.
        ConcurrencyConflictException or RequestRefusedException or AddressHeldException => new DaemonError { Code = CniErrorCode.Refused, Msg = exception.Message },
        UnknownObjectException or InvalidInputException => new DaemonError { Code = CniErrorCode.InvalidConfig, Msg = exception.Message },
        StoreBusyException => new DaemonError { Code = CniErrorCode.TryAgainLater, Msg = exception.Message },
        NetVirtException => new DaemonError { Code = CniErrorCode.HostFailure, Msg = exception.Message, Details = exception.InnerException?.Message },
        _ => null,
    };

    private static async Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.CniAttached, Level = LogLevel.Information, Message = "CNI ADD container {ContainerId} interface {Interface} on {CniNetwork}: {Addresses}")]
        public static partial void Attached(ILogger logger, string containerId, string @interface, string cniNetwork, string addresses);

        [LoggerMessage(EventId = ApiEventIds.CniDetached, Level = LogLevel.Information, Message = "CNI DEL container {ContainerId} interface {Interface} on {CniNetwork}")]
        public static partial void Detached(ILogger logger, string containerId, string @interface, string cniNetwork);

        [LoggerMessage(EventId = ApiEventIds.CniRefused, Level = LogLevel.Warning, Message = "CNI {Command} container {ContainerId} interface {Interface}: code {Code}: {Message}")]
        public static partial void Refused(ILogger logger, string command, string containerId, string @interface, int code, string message);
    }
}

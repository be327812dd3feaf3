using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetVirt.Cni.Protocol;

namespace NetVirt.Cni.Transport;

/// <summary>
/// The daemon over its root-only unix socket: one HTTP/1.1 <c>POST /cni/{command}</c> per execution, written and read by
/// hand (<see cref="HttpExchange"/>): HttpClient's start-up cost more than the rest of an execution.
/// </summary>
public sealed class UnixSocketDaemonClient : IDaemonClient
{
    /// <summary>Where <c>netvirt serve</c> listens by default (root).</summary>
    public const string DefaultSocket = "/run/netvirt/netvirt.sock";

    // ADD realizes the attachment before answering; a whole-host apply ahead of it in the daemon's queue can take a while.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <inheritdoc />
    public AttachmentResult? Send(string? socket, CniCommand command, AttachmentRequest request)
    {
        var path = socket ?? Environment.GetEnvironmentVariable("NETVIRT_CNI_SOCKET") ?? DefaultSocket;
        var body = JsonSerializer.SerializeToUtf8Bytes(request, CniJsonContext.Default.AttachmentRequest);
        HttpExchange.Response response;
        try
        {
            // Blocking calls with timeouts, not async ones: async sockets start the runtime's thread pool and its epoll
            // thread, a millisecond of every execution's start. The daemon answers only when done, so one receive
            // waits for the whole of an ADD.
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                SendTimeout = (int)Timeout.TotalMilliseconds,
                ReceiveTimeout = (int)Timeout.TotalMilliseconds,
            };
            s.Connect(new UnixDomainSocketEndPoint(path));
            response = HttpExchange.Post(s, $"/cni/{command.ToString().ToLowerInvariant()}", body);
        }
        catch (SocketException ex)
        {
            var why = ex.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when !File.Exists(path) => "there is no socket there",
                SocketError.ConnectionRefused => "nothing listens on it",
                SocketError.AccessDenied => "permission denied (the socket is root's)",
                SocketError.TimedOut or SocketError.WouldBlock => $"no answer within {Timeout.TotalSeconds:0} s",
                _ => ex.Message,
            };
            throw Unreachable(path, why, ex);
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            throw Unreachable(path, ex.Message, ex);
        }

        if (response.Status is >= 200 and < 300)
        {
            return command == CniCommand.Add ? Deserialize(response.Body, path) : null;
        }

        var error = TryDeserializeError(response.Body);
        throw error is not null
            ? new CniException(error.Code, error.Msg, error.Details)
            : new CniException(response.Status == 503 ? CniErrorCode.TryAgainLater : CniErrorCode.IoFailure,
                $"the NetVirt daemon on {path} answered HTTP {response.Status}", Encoding.UTF8.GetString(response.Body));
    }

    private static CniException Unreachable(string path, string why, Exception inner) => new(CniErrorCode.TryAgainLater,
        $"the NetVirt daemon does not answer on {path}: {why}",
        "start it with 'netvirt serve' (it listens there unless told otherwise; a conflist names another socket with \"socket\")", inner);

    private static DaemonError? TryDeserializeError(byte[] text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, CniJsonContext.Default.DaemonError);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AttachmentResult Deserialize(byte[] text, string path)
    {
        try
        {
            return JsonSerializer.Deserialize(text, CniJsonContext.Default.AttachmentResult) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new CniException(CniErrorCode.IoFailure, $"the NetVirt daemon on {path} answered something that is not a result", ex.Message, ex);
        }
    }
}

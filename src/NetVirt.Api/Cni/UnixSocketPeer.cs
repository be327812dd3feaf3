using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace NetVirt.Api.Cni;

/// <summary>
/// The daemon's unix socket is root's: its file is mode 0600, and every connection's peer is checked with
/// <c>SO_PEERCRED</c> (only root or the server's own user may talk; others are disconnected before a byte is read,
/// which also covers the instant between bind and chmod). Requests that arrived on it are marked, so the CNI endpoints
/// answer only there and need no bearer token: the kernel vouched for the caller.
/// </summary>
public static partial class UnixSocketPeer
{
    private const string Marker = "netvirt.unix-socket-peer";

    /// <summary>True when the request came over the daemon's unix socket from an allowed peer.</summary>
    public static bool IsUnixSocket(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Marker) == true;
    }

    /// <summary>Adds the peer check to every endpoint Kestrel listens on; it acts on unix-socket endpoints only.</summary>
    public static void Configure(KestrelServerOptions kestrel, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var logger = loggers.CreateLogger("NetVirt.Api.Cni.UnixSocketPeer");
        kestrel.ConfigureEndpointDefaults(endpoint =>
        {
            if (endpoint.EndPoint is not UnixDomainSocketEndPoint)
            {
                return;
            }

            endpoint.Use(next => async connection =>
            {
                var uid = PeerUid(connection);
                if (uid is not { } allowed || allowed != 0 && allowed != Geteuid())
                {
                    Log.PeerRefused(logger, uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown");
                    connection.Abort();
                    return;
                }

                connection.Items[Marker] = true;
                await next(connection).ConfigureAwait(false);
            });
        });
    }

    /// <summary>Makes the socket file root's only, once Kestrel has bound it.</summary>
    public static void Restrict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// Prepares <paramref name="path"/> for binding: creates its folder (0755 when new; the socket itself is 0600), and
    /// removes a socket file left by a server that died, but refuses when a server still answers there.
    /// </summary>
    public static void Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder) && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if ((File.GetAttributes(path) & FileAttributes.Directory) != 0 || new FileInfo(path).Length != 0)
        {
            throw new Model.Errors.InvalidInputException($"--socket {path}: there is something else at that path; give another path");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path); // nobody listens: a socket file left behind by a server that died
            return;
        }
        catch (SocketException ex)
        {
            throw new Model.Errors.InvalidInputException($"--socket {path}: cannot use that path ({ex.Message}); give another path");
        }

        throw new Model.Errors.InvalidInputException($"--socket {path}: another server listens there already (another 'netvirt serve'?); stop it or give another --socket");
    }

    private static int? PeerUid(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return null;
        }

        // struct ucred { pid_t pid; uid_t uid; gid_t gid; } (socket(7), SO_PEERCRED).
        Span<byte> credentials = stackalloc byte[12];
        const int SolSocket = 1;
        const int SoPeercred = 17;
        return socket.GetRawSocketOption(SolSocket, SoPeercred, credentials) == 12 ? BitConverter.ToInt32(credentials[4..8]) : null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GeteuidNative();

    private static long Geteuid() => GeteuidNative();

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.CniPeerRefused, Level = LogLevel.Warning, Message = "Closed a connection on the unix socket from uid {Uid}: only root and the server's user may use it")]
        public static partial void PeerRefused(ILogger logger, string uid);
    }
}

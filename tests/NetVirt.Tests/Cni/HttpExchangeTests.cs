using System.Net.Sockets;
using System.Text;
using NetVirt.Cni.Transport;

namespace NetVirt.Tests.Cni;

/// <summary>The plugin's one HTTP exchange with the daemon: where an answer ends.</summary>
public sealed class HttpExchangeTests
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public void IsComplete_OnceTheAnnouncedBodyIsHere_NotBefore()
    {
        Assert.False(HttpExchange.IsComplete(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n")));
        Assert.False(HttpExchange.IsComplete(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{\"a")));
        Assert.True(HttpExchange.IsComplete(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{\"a\"}")));
        // Without a length, or chunked, the end of the connection ends the answer.
        Assert.False(HttpExchange.IsComplete(Bytes("HTTP/1.1 200 OK\r\n\r\n{}")));
        Assert.False(HttpExchange.IsComplete(Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")));
    }

    [Fact]
    public void Parse_AnAnswerCutShort_IsAnError_NotHalfAnAnswer()
    {
        var ex = Assert.Throws<IOException>(() => HttpExchange.Parse(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"}")));
        Assert.Contains("closed before the answer was complete (5 of 10 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => HttpExchange.Parse(Bytes("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n{}")));
        Assert.Equal("{}", Encoding.ASCII.GetString(HttpExchange.Parse(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")).Body));
    }

    [Fact]
    public async Task Post_ReturnsWhenTheAnswerIsWhole_WithoutWaitingForTheDaemonToClose()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nvt-http-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var release = new ManualResetEventSlim();
        var server = Task.Run(() =>
        {
            using var connection = listener.Accept();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().EndsWith("{}", StringComparison.Ordinal))
            {
                request.Append(Encoding.ASCII.GetString(buffer, 0, connection.Receive(buffer)));
            }

            connection.Send(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"));
            release.Wait(TimeSpan.FromSeconds(30)); // the connection stays open, as a daemon's does while it finishes its work
        });
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 5000 };
            client.Connect(new UnixDomainSocketEndPoint(path));
            var answer = HttpExchange.Post(client, "/cni/add", Bytes("{}"));
            Assert.Equal(200, answer.Status);
            Assert.Equal("{\"ok\":true}", Encoding.ASCII.GetString(answer.Body));
        }
        finally
        {
            release.Set();
            await server.WaitAsync(TimeSpan.FromSeconds(10));
            File.Delete(path);
        }
    }
}

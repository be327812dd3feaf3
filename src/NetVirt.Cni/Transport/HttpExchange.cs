using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace NetVirt.Cni.Transport;

/// <summary>One HTTP/1.1 request with <c>Connection: close</c> and its response (Content-Length, chunked or to EOF).</summary>
public static class HttpExchange
{
    private const int MaxResponse = 4 << 20;

    /// <summary>A response: its status code and body.</summary>
    public sealed record Response(int Status, byte[] Body);

    /// <summary>Sends the request on <paramref name="socket"/> and reads the whole response (blocking, within the socket's timeouts).</summary>
    public static Response Post(Socket socket, string path, byte[] body)
    {
        var head = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: netvirt\r\nContent-Type: application/json\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n");
        if (socket.Send([new ArraySegment<byte>(head), new ArraySegment<byte>(body)], SocketFlags.None) != head.Length + body.Length)
        {
            throw new IOException("the request could not be sent whole");
        }

        using var received = new MemoryStream();
        var buffer = new byte[16384];
        while (!IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length)))
        {
            var n = socket.Receive(buffer, SocketFlags.None);
            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
            if (received.Length > MaxResponse)
            {
                throw new IOException($"the answer is larger than {MaxResponse} bytes");
            }
        }

        return Parse(received.ToArray());
    }

    /// <summary>
    /// True once the headers and the whole body they announce with Content-Length are here. The answer is then read
    /// without waiting for the daemon to close the connection, which it does only when all its work for the request is
    /// over (4 ms after the answer, measured on an ADD). Chunked answers and answers without a length are read to the end.
    /// </summary>
    public static bool IsComplete(ReadOnlySpan<byte> raw)
    {
        var end = raw.IndexOf("\r\n\r\n"u8);
        return end >= 0 && Head(raw[..end]) is { Chunked: false, Length: >= 0 } head && raw.Length - (end + 4) >= head.Length;
    }

    /// <summary>Parses a whole response: read to the end of the connection, or to the end of the length it announced.</summary>
    public static Response Parse(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new IOException("the connection closed before the answer's headers were complete");
        }

        var (code, chunked, length) = Head(raw.AsSpan(0, end));
        var rest = raw.AsSpan(end + 4);
        if (chunked)
        {
            return new Response(code, Dechunk(rest));
        }

        if (length > rest.Length)
        {
            throw new IOException($"the connection closed before the answer was complete ({rest.Length} of {length} bytes)");
        }

        return new Response(code, length >= 0 ? rest[..length].ToArray() : rest.ToArray());
    }

    // The status line and the headers that say where the body ends; -1 for no Content-Length.
    private static (int Status, bool Chunked, int Length) Head(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new IOException($"not an HTTP answer: '{lines[0]}'");
        }

        var chunked = false;
        var length = -1;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length))
                {
                    throw new IOException($"the answer's Content-Length '{value}' is not a length");
                }
            }
        }

        return (code, chunked, length);
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> data)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var lineEnd = data.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                throw new IOException("a chunked answer ended inside a chunk header");
            }

            var sizeText = Encoding.ASCII.GetString(data[..lineEnd]).Split(';')[0].Trim();
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            data = data[(lineEnd + 2)..];
            if (size == 0)
            {
                return body.ToArray();
            }

            if (data.Length < size + 2)
            {
                throw new IOException("a chunked answer ended inside a chunk");
            }

            body.Write(data[..size]);
            data = data[(size + 2)..];
        }
    }
}

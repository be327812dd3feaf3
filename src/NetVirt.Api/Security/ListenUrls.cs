using System.Net;
using Microsoft.AspNetCore.Http;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;

namespace NetVirt.Api.Security;

/// <summary>
/// Reads <c>--urls</c> the way Kestrel binds them, so the loopback guard judges what will really listen. Kestrel parses
/// a URL with <see cref="BindingAddress.Parse"/> (not <see cref="Uri"/>): the host is everything between <c>://</c> and the
/// port, and a host that is neither <c>localhost</c> nor an IP address binds every interface. So
/// <c>http://x@127.0.0.1:18471</c>, which <see cref="Uri"/> reads as user <c>x</c> at 127.0.0.1, is host
/// <c>x@127.0.0.1</c> to Kestrel and listens everywhere. Here a URL with user information is refused outright, and only
/// <c>localhost</c> or a literal loopback address (127.0.0.0/8, <c>::1</c>, written strictly) counts as loopback.
/// </summary>
public static class ListenUrls
{
    /// <summary>Where a listen URL binds.</summary>
    public enum Reach
    {
        /// <summary><c>localhost</c> or a loopback address: this host only.</summary>
        Loopback,

        /// <summary>A specific address that is not loopback.</summary>
        Address,

        /// <summary>Every interface (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>).</summary>
        Everywhere,

        /// <summary>A Unix domain socket or named pipe.</summary>
        Socket,
    }

    /// <summary>
    /// Checks every URL as Kestrel will bind it and returns where each reaches; a URL Kestrel cannot bind (bad syntax,
    /// a scheme other than http/https, a path, user information) is an <see cref="InvalidInputException"/> that says
    /// what is wrong in one line, before anything starts.
    /// </summary>
    public static IReadOnlyList<(string Url, Reach Reach)> Check(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return [.. urls.Select(url => (url, Classify(url)))];
    }

    /// <summary>Where <paramref name="url"/> binds; see <see cref="Check"/>.</summary>
    public static Reach Classify(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException ex)
        {
            throw Bad(url, ex.Message.TrimEnd('.'));
        }

        if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            throw Bad(url, $"the scheme must be http or https, not '{address.Scheme}'");
        }

        if (!string.IsNullOrEmpty(address.PathBase))
        {
            throw Bad(url, $"a listen address has no path ('{address.PathBase}')");
        }

        if (address.IsUnixPipe || address.IsNamedPipe)
        {
            return Reach.Socket;
        }

        if (address.Port is < 0 or > 65535)
        {
            throw Bad(url, $"port {address.Port} is outside 0-65535");
        }

        var host = address.Host;
        if (host.Contains('@', StringComparison.Ordinal))
        {
            throw Bad(url, $"it has user information ('{host[..(host.LastIndexOf('@') + 1)]}'), which a listen address cannot have; Kestrel would read '{host}' as a host name and listen on every interface");
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Reach.Loopback;
        }

        // Kestrel binds one address when IPAddress.TryParse reads the host. The address must be written plainly (the
        // strict parser), so what is judged is what an operator reads: 127.1 or 0x7f.1 are refused, not taken as loopback.
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IpAddressMath.TryParsePlain(literal, out var ip))
        {
            return IPAddress.IsLoopback(ip) && !ip.IsIPv4MappedToIPv6 ? Reach.Loopback
                : ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) ? Reach.Everywhere
                : Reach.Address;
        }

        if (IPAddress.TryParse(host, out var lenient))
        {
            throw Bad(url, $"'{host}' is not written as a plain IP address (Kestrel would read it as {lenient}); write {lenient} ({IpAddressMath.AddressFormHint})");
        }

        if (host is "*" or "+")
        {
            return Reach.Everywhere;
        }

        // Kestrel does not resolve names: any other host (a name, or a typo such as 'http://[::1' or '127.0.0.1:port',
        // which it reads as host '[:' or '127.0.0.1:port') silently listens on every interface.
        throw Bad(url, $"'{host}' is neither localhost nor an IP address, and Kestrel would listen on every interface for it; write the address to listen on, or 0.0.0.0 or * for every interface");
    }

    private static InvalidInputException Bad(string url, string why) => new($"--urls '{url}' is not an address to listen on: {why} (e.g. http://127.0.0.1:8470)");
}

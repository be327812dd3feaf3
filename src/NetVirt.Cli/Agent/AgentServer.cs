using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetVirt.Api;
using NetVirt.Api.Endpoints;
using NetVirt.Documents;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Errors;
using NetVirt.Model.Topology;

namespace NetVirt.Cli.Agent;

/// <summary>
/// The server as an agent sees it, over the API: its host's slice (<c>GET /hosts/{name}/slice</c>), the doorbell
/// (<c>GET /changes</c>) and its reports (<c>PUT /hosts/{name}/report</c>). Transport failures (the server down,
/// restarting, unreachable) are <see cref="ServerUnreachableException"/>; answers the server gives are kept as its words.
/// </summary>
public sealed class AgentServer : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client for <paramref name="server"/> with the write token <paramref name="token"/> (reports need it).</summary>
    public AgentServer(Uri server, string? token, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = server;
        // A long-poll waits at most a minute on the server; anything slower than this is a server in trouble.
        _http.Timeout = TimeSpan.FromSeconds(90);
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The server's address.</summary>
    public Uri Address => _http.BaseAddress!;

    /// <summary>The slice of <paramref name="host"/>, with the generation it was read at and the server's instance id.</summary>
    public async Task<(SliceView View, HostSlice Slice)> SliceAsync(string host, CancellationToken cancellationToken)
    {
        var view = await GetAsync<SliceView>($"/hosts/{Uri.EscapeDataString(host)}/slice", cancellationToken).ConfigureAwait(false);
        return (view, ToSlice(view));
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the generation to move past <paramref name="since"/>; the answer also
    /// names the server's instance (a new one: the server restarted).
    /// </summary>
    public Task<ChangeView> WaitAsync(long since, TimeSpan wait, CancellationToken cancellationToken) =>
        GetAsync<ChangeView>(FormattableString.Invariant($"/changes?since={since}&wait={(int)wait.TotalSeconds}"), cancellationToken);

    /// <summary>Sends a report.</summary>
    public async Task<HostAgentView> ReportAsync(string host, HostReportBody report, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.PutAsJsonAsync($"/hosts/{Uri.EscapeDataString(host)}/report", report, ApiJson.Options, cancellationToken)).ConfigureAwait(false);
        return await ReadAsync<HostAgentView>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a slice as the server wrote it: the host's resolved model as a document, and its overlay.</summary>
    public static HostSlice ToSlice(SliceView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var loaded = DocumentLoader.Load($"slice of host {view.Host}", view.Document.ToJsonString());
        if (!loaded.IsValid)
        {
            throw new NetVirtException($"the server's slice of host '{view.Host}' cannot be read: {string.Join("; ", loaded.Errors.Take(3))}");
        }

        var host = loaded.Model.Hosts.FirstOrDefault(h => h.Name == view.Host)
            ?? throw new NetVirtException($"the server's slice of host '{view.Host}' does not declare the host");
        var overlay = view.Overlay.Select(o => new OverlayDomain(
            o.Over, o.Vlan, o.Vni,
            o.Remote.Select(r => new RemotePort(r.Host, IPAddress.Parse(r.HostAddress), r.Zone, r.Vnic, MacAddress.Parse(r.Mac), r.Addresses.Select(IPAddress.Parse).ToEquatableArray())).ToEquatableArray(),
            o.Peers.Select(IPAddress.Parse).ToEquatableArray()) { Mtu = o.Mtu });
        return new HostSlice(host, loaded.Model, overlay.ToEquatableArray());
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.GetAsync(path, cancellationToken)).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerUnreachableException($"server {Address} is unreachable: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            throw new ServerUnreachableException($"server {Address} did not answer within {_http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
        {
            throw new ServerUnreachableException($"server {Address} answered {(int)response.StatusCode}: {Detail(text)}");
        }

        if (!response.IsSuccessStatusCode)
        {
            var detail = Detail(text);
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new UnknownObjectException(detail),
                HttpStatusCode.Conflict => new ConcurrencyConflictException(detail),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new InvalidInputException($"server {Address} refused the agent's token ({(int)response.StatusCode}): give the write token in $NETVIRT_API_TOKEN or --token-file"),
                _ => new NetVirtException($"server {Address} answered {(int)response.StatusCode}: {detail}"),
            };
        }

        return JsonSerializer.Deserialize<T>(text, ApiJson.Options) ?? throw new NetVirtException($"server {Address} sent an empty answer");
    }

    private static string Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>The server cannot be reached (down, restarting, unreachable): the agent keeps the host as it is and tries again.</summary>
public sealed class ServerUnreachableException(string message, Exception? inner = null) : NetVirtException(message, inner);

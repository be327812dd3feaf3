using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Documents;
using NetVirt.Model.Errors;
using NetVirt.Model.Topology;
using NetVirt.Store.Hosts;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>/hosts</c>: the hosts of a deployment with many hosts, with what their agents report (state, drift, heartbeat,
/// restarts); <c>/hosts/{name}/slice</c>, what one host's agent applies; <c>PUT /hosts/{name}/report</c>, where it
/// reports. <c>/changes</c>: the doorbell agents wait on.
/// </summary>
public static class HostEndpoints
{
    /// <summary>Longest wait of one <c>GET /changes</c>.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>Maps the group and <c>/changes</c>.</summary>
    public static RouteGroupBuilder MapHostEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/changes", Changes).WithTags("hosts").WithProblems().WithName("WaitForChange")
            .WithSummary("The doorbell: answers as soon as the desired-state generation differs from 'since', or after 'wait' seconds (at most 60), with the generation and this server's instance id (a new id: the server restarted)");
        var group = routes.MapGroup("/hosts").WithTags("hosts").WithProblems();
        group.MapGet("/", List).WithName("ListHosts").WithSummary("Every host with its zones and what its agent last reported");
        group.MapGet("/{name}", Get).WithName("GetHost").WithSummary("One host: its zones, overlay, and its agent's last report with drift and observed objects");
        group.MapGet("/{name}/slice", Slice).WithName("GetHostSlice").WithSummary("What the host's agent applies: its resolved model and the overlay entries of the L2 domains it carries");
        group.MapPut("/{name}/report", Report).WithName("ReportHost").WithSummary("An agent's report: heartbeat, state, drift, observed objects (write token)");
        return group;
    }

    private static async Task<Ok<ChangeView>> Changes(long? since, int? wait, ApiState state, CancellationToken cancellationToken)
    {
        var feed = state.Store.Changes;
        var timeout = TimeSpan.FromSeconds(Math.Clamp(wait ?? 30, 0, (int)MaxWait.TotalSeconds));
        var generation = since is { } s ? await feed.WaitAsync(s, timeout, cancellationToken).ConfigureAwait(false) : feed.Generation;
        return TypedResults.Ok(new ChangeView(generation, state.ServerInstance));
    }

    private static Ok<List<HostView>> List(ApiState state)
    {
        return TypedResults.Ok(Views.HostViews.List(state.Store, state.Time));
    }

    private static Ok<HostDetailView> Get(string name, ApiState state)
    {
        var stored = state.Store.Load();
        var host = stored.Resolved.Hosts.FirstOrDefault(h => h.Name == name) ?? throw Unknown(name, stored);
        var report = state.Store.HostReports.Of(name);
        var slice = HostSlice.For(stored.Resolved, stored.Vnis.ToDictionary(v => v.Domain, v => v.Vni), name);
        return TypedResults.Ok(new HostDetailView(
            Views.HostViews.View(host, stored, report, state.Time),
            [.. slice.Model.Zones.Select(z => z.Name)],
            [.. slice.Overlay.Select(o => new OverlayView(o.Over, o.Vlan, o.Vni, o.Remote.Count, [.. o.Peers.Select(p => p.ToString())]))],
            report is null ? null : JsonNode.Parse(report.Report)?.AsObject()));
    }

    private static Ok<SliceView> Slice(string name, ApiState state)
    {
        var stored = state.Store.Load();
        if (stored.Resolved.Hosts.All(h => h.Name != name))
        {
            throw Unknown(name, stored);
        }

        var slice = HostSlice.For(stored.Resolved, stored.Vnis.ToDictionary(v => v.Domain, v => v.Vni), name);
        return TypedResults.Ok(new SliceView(
            name, stored.Generation, state.Store.DeploymentId, state.ServerInstance, DocumentWriter.WriteJson(slice.Model),
            [.. slice.Overlay.Select(o => new OverlayDomainView(o.Over, o.Vlan, o.Vni, o.Mtu,
                [.. o.Remote.Select(r => new RemotePortView(r.Host, r.HostAddress.ToString(), r.Zone, r.Vnic, r.Mac.ToString(), [.. r.Addresses.Select(a => a.ToString())]))],
                [.. o.Peers.Select(p => p.ToString())]))]));
    }

    private static async Task<Ok<HostAgentView>> Report(string name, HostReportBody body, ApiState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.AgentId) || string.IsNullOrWhiteSpace(body.BootId) || string.IsNullOrWhiteSpace(body.State))
        {
            throw new InvalidInputException("a report needs agent-id, boot-id and state");
        }

        var status = await Task.Run(() => state.Store.HostReports.Report(name, new HostReportInput(
            body.AgentId, body.BootId, body.Generation, body.State, (body.Report ?? new JsonObject()).ToJsonString())), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Views.HostViews.AgentView(status, state.Time));
    }

    private static UnknownObjectException Unknown(string name, Store.DesiredState.StoredState stored) =>
        new($"host '{name}' is not in the desired state; {(stored.Resolved.Hosts.IsEmpty ? "the model declares no hosts" : $"declared hosts: {string.Join(", ", stored.Resolved.Hosts.Select(h => h.Name))}")}");
}

/// <summary>What <c>GET /changes</c> answers.</summary>
/// <param name="Generation">The desired-state generation now.</param>
/// <param name="Server">This server process's instance id: a different one than before means the server restarted.</param>
public sealed record ChangeView(long Generation, string Server);

/// <summary>A host as <c>GET /hosts</c> lists it.</summary>
/// <param name="Name">Host name.</param>
/// <param name="Address">Underlay address.</param>
/// <param name="Labels">Labels.</param>
/// <param name="Zones">Zones on the host.</param>
/// <param name="Agent">What its agent last reported (absent: no agent has reported yet).</param>
/// <param name="Description">Free text.</param>
public sealed record HostView(string Name, string Address, Dictionary<string, string> Labels, int Zones, HostAgentView? Agent, string? Description);

/// <summary>A host's agent as last reported.</summary>
/// <param name="AgentId">The agent's id (kept across its restarts).</param>
/// <param name="BootId">This run of the agent.</param>
/// <param name="BootedAt">When this run first reported.</param>
/// <param name="Restarts">Restarts the server has seen (a new boot id each).</param>
/// <param name="HeartbeatAt">The last report.</param>
/// <param name="HeartbeatAgeSeconds">Seconds since then.</param>
/// <param name="Generation">The generation the host was last brought to.</param>
/// <param name="State">converged, applying, failed, drift or starting.</param>
/// <param name="Converged">True when the host is converged to the generation stored now.</param>
public sealed record HostAgentView(
    string AgentId, string BootId, string BootedAt, long Restarts, string HeartbeatAt, double HeartbeatAgeSeconds, long? Generation, string State, bool? Converged);

/// <summary>One host in detail.</summary>
/// <param name="Host">The host as listed.</param>
/// <param name="ZoneNames">Its zones.</param>
/// <param name="Overlay">The L2 domains it carries over VXLAN.</param>
/// <param name="Report">Its agent's last report: drift, observed objects, last run, error.</param>
public sealed record HostDetailView(HostView Host, List<string> ZoneNames, List<OverlayView> Overlay, JsonObject? Report);

/// <summary>An L2 domain a host carries.</summary>
/// <param name="Over">Etherstub.</param>
/// <param name="Vlan">VLAN id.</param>
/// <param name="Vni">VXLAN network identifier.</param>
/// <param name="RemotePorts">VNICs of the domain on other hosts.</param>
/// <param name="Peers">Other hosts' underlay addresses that carry it.</param>
public sealed record OverlayView(string Over, int Vlan, int Vni, int RemotePorts, List<string> Peers);

/// <summary>What an agent applies.</summary>
/// <param name="Host">The host.</param>
/// <param name="Generation">The desired-state generation the slice was read at.</param>
/// <param name="DeploymentId">The deployment id its host objects record.</param>
/// <param name="Server">The server's instance id.</param>
/// <param name="Document">The host's resolved model as a document.</param>
/// <param name="Overlay">Per L2 domain of an etherstub: VNI, remote VNICs, peers.</param>
public sealed record SliceView(string Host, long Generation, string DeploymentId, string Server, JsonObject Document, List<OverlayDomainView> Overlay);

/// <summary>An L2 domain of a slice.</summary>
/// <param name="Over">Etherstub.</param>
/// <param name="Vlan">VLAN id.</param>
/// <param name="Vni">VXLAN network identifier.</param>
/// <param name="Mtu">The largest MTU of the domain on any host: what its tunnels carry.</param>
/// <param name="Remote">The domain's VNICs on other hosts.</param>
/// <param name="Peers">Other hosts that carry the domain.</param>
public sealed record OverlayDomainView(string Over, int Vlan, int Vni, int Mtu, List<RemotePortView> Remote, List<string> Peers);

/// <summary>A VNIC on another host.</summary>
/// <param name="Host">Its host.</param>
/// <param name="HostAddress">Its host's underlay address.</param>
/// <param name="Zone">Its zone.</param>
/// <param name="Vnic">Its name.</param>
/// <param name="Mac">Its MAC.</param>
/// <param name="Addresses">Its addresses.</param>
public sealed record RemotePortView(string Host, string HostAddress, string Zone, string Vnic, string Mac, List<string> Addresses);

/// <summary>The body of <c>PUT /hosts/{name}/report</c>.</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="BootId">This run of the agent.</param>
/// <param name="Generation">The generation the host was last brought to.</param>
/// <param name="State">converged, applying, failed, drift or starting.</param>
/// <param name="Report">Drift, observed objects, last run, error.</param>
public sealed record HostReportBody(string AgentId, string BootId, long? Generation, string State, JsonObject? Report);

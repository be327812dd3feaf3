namespace NetVirt.Api.OpenApi;

/// <summary>
/// What the OpenAPI document says about each operation beyond what the endpoints declare: a summary per operation id
/// (the endpoint's <c>WithName</c>), a description per tag, and the document-schema type of each request body. One
/// table, so a new endpoint is one line here (and <c>OpenApiTests</c> fails until it has its summary).
/// </summary>
public static class OpenApiCatalog
{
    /// <summary>Summary per operation id.</summary>
    public static readonly IReadOnlyDictionary<string, string> Summaries = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Health"] = "Store generation and reconcile service state (no token needed)",
        ["Metrics"] = "Prometheus metrics: requests, reconcile runs, drift, IPAM utilisation, audit findings",
        ["GetState"] = "The whole desired state as a document (authored, or resolved with allocations)",
        ["ReplaceState"] = "Replace the desired state with a document (or only validate it with dryRun)",
        ["ListEtherstubs"] = "List etherstubs",
        ["GetEtherstub"] = "Get one etherstub",
        ["CreateEtherstub"] = "Create an etherstub",
        ["DeleteEtherstub"] = "Delete an etherstub (409 while networks or VNICs use it)",
        ["ListNetworks"] = "List networks",
        ["GetNetwork"] = "Get one network as a document object",
        ["CreateNetwork"] = "Create a network",
        ["ReplaceNetwork"] = "Replace a network (same name)",
        ["DeleteNetwork"] = "Delete a network (409 while VNICs or pools use it)",
        ["ListNetworkIps"] = "Usage of a network and every address it has used",
        ["FreeNetworkIps"] = "The free addresses of a network as compact ranges",
        ["NextNetworkIp"] = "The address the next automatic allocation would get",
        ["ListIpUsage"] = "Address usage of every network",
        ["WhoHoldsIp"] = "Who holds an address, in every network it appears in",
        ["ListPools"] = "List pools",
        ["GetPool"] = "Get one pool",
        ["CreatePool"] = "Create a pool",
        ["DeletePool"] = "Delete a pool (409 while VNICs use it)",
        ["ListZones"] = "List zones",
        ["GetZone"] = "Get one zone with its VNICs as allocated",
        ["CreateZone"] = "Create a zone with its VNICs (allocating MACs and addresses)",
        ["DeleteZone"] = "Delete a zone (releases its addresses)",
        ["ListVnics"] = "List VNICs with their MACs and addresses",
        ["GetVnic"] = "Get one VNIC",
        ["CreateVnic"] = "Create a VNIC for a zone (the zone is created when new): name, MAC and addresses allocated",
        ["DeleteVnic"] = "Delete a VNIC (releases its addresses)",
        ["ListReservations"] = "List reserved addresses and ranges",
        ["CreateReservation"] = "Reserve an address or range in a network",
        ["DeleteReservation"] = "Remove the reservations inside an address or range",
        ["GetPlan"] = "The plan that would bring the host to the desired state (or remove everything)",
        ["PlanDocument"] = "The plan and the allocations for a document, without storing it (a dry run)",
        ["GetDrift"] = "What on the host differs from the desired state, field by field",
        ["Apply"] = "Queue an apply of the desired state to the host (202 with the run)",
        ["Destroy"] = "Queue the removal of every host object NetVirt owns (202 with the run)",
        ["ListRuns"] = "The reconcile service's queued, running and recent runs",
        ["GetRun"] = "One run; with wait, once it has finished",
        ["ListHistory"] = "The apply journal, newest first",
        ["GetHistoryRun"] = "One journaled apply run with its plan and every step",
        ["StartAudit"] = "Queue an isolation audit by packet capture (202 with the run)",
        ["GetAudit"] = "An audit run and, once done, its report",
        ["ListAudits"] = "Audit runs since the server started, newest first",
        ["ListAuditFiles"] = "The report and evidence files an audit run wrote",
        ["GetAuditFile"] = "Download one report or evidence file of an audit run",
        ["GetTopology"] = "The topology as a graph (JSON), or drawn as SVG, DOT, Mermaid or text",
        ["Events"] = "Live updates as server-sent events (run, generation)",
    };

    /// <summary>Description per tag.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["health"] = "Liveness, reconcile state and metrics.",
        ["state"] = "The whole desired state as one document, as `netvirt export` writes and `netvirt apply -f` reads it.",
        ["etherstubs"] = "Etherstubs: virtual switches (one bridge per VLAN on Linux).",
        ["networks"] = "Tenant networks: a VLAN on an etherstub or link, with subnets, gateways and a provisioning range; and their address views.",
        ["ips"] = "Address usage across networks, and who holds an address.",
        ["pools"] = "Pools of networks that IPAM walks in order until one has room.",
        ["zones"] = "Exclusive-IP zones (network namespaces on Linux) with their VNICs.",
        ["vnics"] = "VNICs: what an orchestrator asks for when it starts a container; MAC and addresses are allocated, unique across the store.",
        ["reservations"] = "Addresses and ranges automatic allocation never hands out.",
        ["reconcile"] = "The host side: plan, apply, destroy and drift, run one at a time by the reconcile service.",
        ["history"] = "The apply journal: every apply run with each step's commands, exit codes and stderr.",
        ["audit"] = "Isolation audits by packet capture, their reports and evidence.",
        ["topology"] = "The topology as a graph and as pictures.",
        ["events"] = "Live updates as server-sent events.",
    };

    /// <summary>
    /// The schema (a definition of the document schema, under <c>components/schemas</c>) of each operation's request
    /// body, and for the object endpoints the extra key the API reads beside it (<c>zone</c> for a VNIC).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RequestBodies = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ReplaceState"] = "NetVirtDocument",
        ["PlanDocument"] = "NetVirtDocument",
        ["CreateEtherstub"] = "Etherstub",
        ["CreateNetwork"] = "Network",
        ["ReplaceNetwork"] = "Network",
        ["CreatePool"] = "Pool",
        ["CreateZone"] = "Zone",
        ["CreateVnic"] = "VnicRequest",
        ["CreateReservation"] = "ReservationRequest",
    };

    /// <summary>The document-schema type of the 200 response of operations that answer with document objects.</summary>
    public static readonly IReadOnlyDictionary<string, (string Schema, bool Array)> Responses = new Dictionary<string, (string, bool)>(StringComparer.Ordinal)
    {
        ["GetState"] = ("NetVirtDocument", false),
        ["ListEtherstubs"] = ("Etherstub", true),
        ["GetEtherstub"] = ("Etherstub", false),
        ["GetNetwork"] = ("Network", false),
        ["ListPools"] = ("Pool", true),
        ["GetPool"] = ("Pool", false),
    };
}

using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Store.DesiredState;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>/vnics</c>: what an orchestrator asks for when it starts a container: "a NIC for zone Z on network N (or pool
/// P)", answered with the VNIC's name, MAC and addresses, unique across the store. The body is a VNIC as written in a
/// document plus <c>zone</c>; <c>name</c> defaults to the zone's first free <c>netN</c>, and without
/// <c>addresses</c> the VNIC gets one automatic address per family of its network. The zone is created when it is
/// new. MAC and addresses are allocated in the same transaction as the VNIC.
/// </summary>
public static class VnicEndpoints
{
    private const string PendingName = "net0";

    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapVnicEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/vnics").WithTags("vnics").WithProblems();
        group.MapGet("/", List).WithName("ListVnics");
        group.MapPost("/", Create).WithName("CreateVnic").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapGet("/{zone}/{name}", Get).WithName("GetVnic");
        group.MapDelete("/{zone}/{name}", Delete).WithName("DeleteVnic");
        return group;
    }

    private static Ok<List<VnicView>> List(string? zone, string? network, ApiState state)
    {
        (zone, network) = (EndpointSupport.Given(zone), EndpointSupport.Given(network));
        var model = zone is null ? state.Store.Load().Resolved : state.Store.LoadZone(zone).Resolved;
        return TypedResults.Ok(StateViews.Vnics(model).Where(v => network is null || v.Network == network).ToList());
    }

    private static Ok<VnicView> Get(string zone, string name, ApiState state) => TypedResults.Ok(Find(state.Store.LoadZone(zone), zone, name));

    private static async Task<Created<VnicView>> Create(HttpContext context, ApiState state, VnicBatcher batcher, CancellationToken cancellationToken)
    {
        var text = await EndpointSupport.BodyAsync(context, cancellationToken);
        var loaded = DocumentLoader.LoadVnic("request body", text, new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = PendingName }, "zone");
        if (loaded.Errors.Any(DocumentValidation.IsUnreadable))
        {
            throw new RequestInvalidException(loaded.Errors);
        }

        if (!loaded.Extra.TryGetValue("zone", out var zoneName))
        {
            throw new RequestInvalidException([new ValidationError("$", "key.missing", "a VNIC request needs 'zone': the zone (container) the VNIC belongs to; a new zone is created"), .. loaded.Errors]);
        }

        var requested = loaded.IsValid ? loaded.Item! : EndpointSupport.Require(loaded, state.Store.Infrastructure(), state.Target,
            (model, item) => (model with { Zones = [new ZoneSpec { Name = zoneName, Vnics = [item] }] }, "zones[0].vnics[0]"));

        // Default names and addresses are chosen inside the transaction that adds the VNIC, so two requests for one
        // zone cannot both pick 'net1', and the networks are the ones the allocation sees.
        var added = await batcher.AddAsync(zoneName, (existing, infrastructure) =>
        {
            var vnic = loaded.Keys.Contains("name") ? requested : requested with { Name = FirstFreeName(existing ?? []) };
            return loaded.Keys.Contains("addresses") ? vnic : vnic with { Addresses = [.. DefaultAddresses(infrastructure, vnic)] };
        }, cancellationToken);
        if (added.Error is ModelValidationException invalid)
        {
            throw new ModelValidationException([.. invalid.Errors.Select(ToBodyPath)]);
        }

        if (added.Error is not null)
        {
            throw added.Error;
        }

        var zone = new ZoneSpec { Name = zoneName, Vnics = [added.Resolved!] };
        var view = StateViews.Vnic(new ModelIndex(added.Infrastructure! with { Zones = [zone] }), zone, added.Resolved!);
        return TypedResults.Created($"/vnics/{Uri.EscapeDataString(zoneName)}/{Uri.EscapeDataString(view.Vnic)}", view);
    }

    private static async Task<Ok<WriteView>> Delete(string zone, string name, ApiState state, CancellationToken cancellationToken)
    {
        var (outcome, run) = await state.WriteAsync(store => store.Remove(zone, name), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    /// <summary>The store validated <c>zones[0]</c> holding this VNIC as <c>vnics[0]</c>; point the errors into the body.</summary>
    private static ValidationError ToBodyPath(ValidationError e)
    {
        const string Vnic = "zones[0].vnics[0]";
        return e.Path switch
        {
            Vnic => e with { Path = DocumentLoader.ItemRoot },
            _ when e.Path.StartsWith(Vnic + ".", StringComparison.Ordinal) || e.Path.StartsWith(Vnic + "[", StringComparison.Ordinal) =>
                e with { Path = DocumentLoader.ItemRoot + e.Path[Vnic.Length..] },
            _ when e.Path == "zones[0]" || e.Path.StartsWith("zones[0].", StringComparison.Ordinal) => e with { Path = DocumentLoader.ItemRoot + ".zone" },
            _ => e,
        };
    }

    /// <summary>One automatic address per family of the VNIC's network; for a pool, per family every network of the pool has.</summary>
    internal static IEnumerable<AddressSpec> DefaultAddresses(NetworkModel infrastructure, VnicSpec vnic)
    {
        var index = new ModelIndex(infrastructure);
        var networks = vnic.Network is { } n ? [index.Network(n)]
            : vnic.Pool is { } p ? index.Pool(p)?.Networks.Select(index.Network).ToList() ?? []
            : [];
        if (networks.Count == 0 || networks.Any(x => x is null))
        {
            return []; // validation names the unknown network or pool
        }

        return new[] { (AddressFamily.InterNetwork, "v4"), (AddressFamily.InterNetworkV6, "v6") }
            .Where(f => networks.All(x => x!.Subnets.Any(s => s.Family == f.Item1)))
            .Select(f => new AddressSpec { Tag = f.Item2, Family = f.Item1 });
    }

    private static string FirstFreeName(IReadOnlyList<string> taken)
    {
        for (var i = 0; ; i++)
        {
            var name = "net" + i.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(name, StringComparer.Ordinal))
            {
                return name;
            }
        }
    }

    private static VnicView Find(StoredState state, string zone, string name)
    {
        var z = state.Resolved.Zones[0];
        var vnic = z.Vnics.FirstOrDefault(v => v.Name == name) ?? throw new Model.Errors.UnknownObjectException($"zone '{zone}' has no vnic '{name}' (it has: {string.Join(", ", z.Vnics.Select(v => v.Name))})");
        return StateViews.Vnic(new ModelIndex(state.Resolved), z, vnic);
    }
}

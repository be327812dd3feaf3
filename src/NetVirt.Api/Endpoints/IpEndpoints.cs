using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Model.Addressing;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/ips</c>: usage of every network, and who holds an address (Triton NAPI's <c>/search/ips</c>).</summary>
public static class IpEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapIpEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/ips").WithTags("ips").WithProblems();
        group.MapGet("/", Usage).WithName("ListIpUsage");
        group.MapGet("/{address}", Who).WithName("WhoHoldsIp");
        return group;
    }

    private static Ok<List<UsageView>> Usage(ApiState state) => TypedResults.Ok(state.Store.Usage().Select(StateViews.Usage).ToList());

    private static Ok<List<AddressView>> Who(string address, ApiState state) =>
        IpAddressMath.TryParsePlain(address, out var ip)
            ? TypedResults.Ok(state.Store.Who(ip).Select(StateViews.Address).ToList())
            : throw new RequestInvalidException("address", "value.invalid-address", $"'{address}' is not an IPv4 or IPv6 address ({IpAddressMath.AddressFormHint})");
}

using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Planning;

/// <summary>Small hand-made kinds for planner and executor tests: a switch, ports on it, addresses on ports, routes.</summary>
public static class TestKinds
{
    public static readonly ResourceKind Zone = ResourceKind.Create("zone", 0, []);

    public static readonly ResourceKind Switch = ResourceKind.Create("switch", 10, ["mtu"]);

    public static readonly ResourceKind Port = ResourceKind.Create("port", 20, ["speed", "mtu"]);

    public static readonly ResourceKind Address = ResourceKind.Create("address", 30, [], deletedWithParent: true);

    public static readonly ResourceKind Route = ResourceKind.Create("route", 40, []);

    public static HostResource Res(ResourceKind kind, string name, params (string, string?)[] properties) =>
        new() { Kind = kind, Name = name, Properties = PropertyBag.Of(properties) };
}

using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Audit;

/// <summary>Resolved models (fixed MACs and addresses) for audit tests, and their topologies.</summary>
internal static class AuditModels
{
    /// <summary>
    /// Tenant acme with two routed networks (web VLAN 100, db VLAN 101, both with IPv4 and IPv6 gateways), tenant
    /// globex on VLAN 200 with a gateway, and an untagged management network without gateway on another etherstub.
    /// </summary>
    public const string Routed = """
        etherstubs:
          - name: stub0
          - name: mgmt0
        networks:
          - { name: web, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 }, ipv6: { subnet: "fd01::/64", gateway: "fd01::1" } }
          - { name: db, tenant: acme, over: stub0, vlan: 101, ipv4: { subnet: 10.2.0.0/24, gateway: 10.2.0.1 }, ipv6: { subnet: "fd02::/64" } }
          - { name: gx, tenant: globex, over: stub0, vlan: 200, ipv4: { subnet: 10.3.0.0/24, gateway: 10.3.0.1 } }
          - { name: mgmt, over: mgmt0, ipv4: { subnet: 192.168.9.0/24 } }
        zones:
          - name: w1
            vnics:
              - { name: net0, network: web, mac: "02:00:00:00:01:01", addresses: [ { tag: a, address: 10.1.0.11/24 }, { tag: b, address: "fd01::11/64" } ] }
          - name: w2
            vnics:
              - { name: net0, network: web, mac: "02:00:00:00:01:02", protection: [], addresses: [ { tag: a, address: 10.1.0.12/24 }, { tag: b, address: "fd01::12/64" } ] }
          - name: d1
            vnics:
              - { name: net0, network: db, mac: "02:00:00:00:02:01", primary: true, addresses: [ { tag: a, address: 10.2.0.11/24 }, { tag: b, address: "fd02::11/64" } ] }
              - { name: net1, network: mgmt, mac: "02:00:00:00:09:01", addresses: [ { tag: a, address: 192.168.9.11/24 } ] }
          - name: g1
            vnics:
              - { name: net0, network: gx, mac: "02:00:00:00:03:01", protection: [mac-nospoof, ip-nospoof, dhcp-nospoof], addresses: [ { tag: a, address: 10.3.0.11/24 } ] }
          - name: w3
            routes: []
            vnics:
              - { name: net0, network: web, mac: "02:00:00:00:01:03", addresses: [ { tag: a, address: 10.1.0.13/24 } ] }
        """;

    public static AuditTopology Topology(string yaml = Routed) => AuditTopology.FromModel(Models.Parse(yaml), new LinuxNaming("nvt1"));

    public static AuditEndpoint E(this AuditTopology topology, string name) => topology.Endpoints.Single(e => e.Name == name);
}

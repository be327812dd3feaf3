using System.Net;
using NetVirt.Documents;
using NetVirt.Model.Spec;

namespace NetVirt.Tests.Support;

/// <summary>Small models for tests, written as YAML so they read like the documents users write.</summary>
public static class Models
{
    public static NetworkModel Parse(string yaml)
    {
        var loaded = DocumentLoader.Load("test.yaml", yaml);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return loaded.Model;
    }

    public static NetworkModel Sample() => DocumentLoader.LoadFiles([RepoPaths.MultiTenantSample]).Model;

    /// <summary>One etherstub, one network with the given IPv4 subnet and options, and <paramref name="zones"/> zones with one auto v4 VNIC each.</summary>
    public static NetworkModel OneNetwork(string subnet = "10.0.0.0/24", string? gateway = "10.0.0.1", int zones = 0, string extraNetwork = "")
    {
        var zoneYaml = string.Concat(Enumerable.Range(1, zones).Select(i => $"""

              - name: z{i}
                vnics:
                  - name: net0
                    network: n1
                    addresses:
                      - tag: v4
                        address: auto
            """));
        return Parse($"""
            etherstubs:
              - name: stub0
            networks:
              - name: n1
                over: stub0
                vlan: 10
                ipv4:
                  subnet: {subnet}
            {(gateway is null ? "" : $"      gateway: {gateway}")}
            {extraNetwork}
            zones:{(zones == 0 ? " []" : zoneYaml)}
            """);
    }

    public static IPAddress Ip(string text) => IPAddress.Parse(text);
}

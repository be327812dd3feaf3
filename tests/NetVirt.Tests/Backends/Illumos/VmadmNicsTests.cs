using System.Text.Json;
using NetVirt.Backends.Illumos.Export;
using NetVirt.Model.Spec;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class VmadmNicsTests
{
    [Theory]
    [InlineData("acme-db1")]
    [InlineData("initech-api1")]
    [InlineData("acme-web1")]
    public void Build_SampleZone_MatchesGolden(string zone)
    {
        var payload = VmadmNics.Build(IllumosSampleModel.Build(), zone);

        var notes = string.Concat(payload.Notes.Select(n => $"// {n}\n"));
        RepositoryFiles.AssertGolden(Path.Combine("Backends", "Illumos", "Golden", $"vmadm-{zone}.json"), notes + payload.Json);
        using var document = JsonDocument.Parse(payload.Json);
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("nics").ValueKind);
    }

    [Fact]
    public void Build_TwoNics_MarksOnlyThePrimaryAndGivesItTheGateway()
    {
        using var document = JsonDocument.Parse(VmadmNics.Build(IllumosSampleModel.Build(), "acme-db1").Json);
        var nics = document.RootElement.GetProperty("nics").EnumerateArray().ToList();

        Assert.Equal(2, nics.Count);
        Assert.True(nics[0].GetProperty("primary").GetBoolean());
        Assert.False(nics[1].TryGetProperty("primary", out _));
        Assert.Equal("10.100.0.1", nics[0].GetProperty("gateways")[0].GetString());
        Assert.Equal("nv_mgmt0", nics[1].GetProperty("nic_tag").GetString());
        Assert.Equal(0, nics[1].GetProperty("vlan_id").GetInt32());
        Assert.Equal(["addrconf"], nics[0].GetProperty("ips").EnumerateArray().Skip(1).Select(i => i.GetString()));
    }

    [Theory]
    [InlineData(Protection.MacNospoof | Protection.IpNospoof | Protection.DhcpNospoof | Protection.Restricted, false, false, false, false)]
    [InlineData(Protection.MacNospoof | Protection.IpNospoof | Protection.DhcpNospoof, false, false, false, true)]
    [InlineData(Protection.None, true, true, true, true)]
    [InlineData(Protection.MacNospoof, true, true, false, true)]
    public void Build_Protection_MapsToAllowFlags(Protection protection, bool dhcp, bool ip, bool mac, bool restricted)
    {
        var model = IllumosSampleModel.WithVnic(IllumosSampleModel.Build(), "globex-app1", "net0", v => v with { Protection = protection });

        using var document = JsonDocument.Parse(VmadmNics.Build(model, "globex-app1").Json);
        var nic = document.RootElement.GetProperty("nics")[0];

        Assert.Equal(
            (dhcp, ip, mac, restricted),
            (nic.GetProperty("allow_dhcp_spoofing").GetBoolean(), nic.GetProperty("allow_ip_spoofing").GetBoolean(),
                nic.GetProperty("allow_mac_spoofing").GetBoolean(), nic.GetProperty("allow_restricted_traffic").GetBoolean()));
    }

    [Fact]
    public void Build_IpNospoofWithoutDhcpNospoof_KeepsBothAndSaysSo()
    {
        var payload = VmadmNics.Build(IllumosSampleModel.Build(), "globex-app1");

        Assert.Contains(payload.Notes, n => n.Contains("cannot drop dhcp-nospoof without dropping ip-nospoof", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(payload.Json);
        Assert.False(document.RootElement.GetProperty("nics")[0].GetProperty("allow_dhcp_spoofing").GetBoolean());
    }

    [Fact]
    public void Build_ExplicitAllowedIps_ListsOnlyTheExtraOnes()
    {
        var model = IllumosSampleModel.WithVnic(IllumosSampleModel.Build(), "globex-app1", "net0", v => v with
        {
            AllowedIps = [System.Net.IPNetwork.Parse("10.200.0.2/32"), System.Net.IPNetwork.Parse("10.200.0.128/25")],
        });

        using var document = JsonDocument.Parse(VmadmNics.Build(model, "globex-app1").Json);

        Assert.Equal(["10.200.0.128/25"], document.RootElement.GetProperty("nics")[0].GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Build_UnknownZone_Throws()
    {
        Assert.Throws<ArgumentException>(() => VmadmNics.Build(IllumosSampleModel.Build(), "nosuch"));
    }
}

using NetVirt.Cni;
using NetVirt.Cni.Protocol;

namespace NetVirt.Tests.Cni;

/// <summary>Records what the plugin sends and answers with a canned result or error.</summary>
public sealed class FakeDaemon : IDaemonClient
{
    public List<(string? Socket, CniCommand Command, AttachmentRequest Request)> Sent { get; } = [];

    public AttachmentResult Result { get; set; } = new()
    {
        Interfaces = [new ResultInterface { Name = "nv-v1234", Mac = "02:00:00:00:00:01" }, new ResultInterface { Name = "eth0", Mac = "02:08:20:00:00:05", Sandbox = "/run/netns/x", Mtu = 1500 }],
        Ips = [new ResultIp { Address = "10.100.0.5/24", Gateway = "10.100.0.1", Interface = 1 }, new ResultIp { Address = "fd10::5/64", Interface = 1 }],
        Routes = [new ResultRoute { Dst = "0.0.0.0/0", Gw = "10.100.0.1" }],
    };

    public CniException? Error { get; set; }

    public AttachmentResult? Send(string? socket, CniCommand command, AttachmentRequest request)
    {
        Sent.Add((socket, command, request));
        return Error is not null ? throw Error : command == CniCommand.Add ? Result : null;
    }
}

using NetVirt.Cni;
using NetVirt.Cni.Transport;

// One execution per runtime call: environment + stdin in, CNI JSON out (CniPlugin), the daemon over its unix socket.
// Everything blocks on purpose: no await, so the runtime never starts its thread pool (see UnixSocketDaemonClient).
using var stdin = Console.OpenStandardInput();
using var buffer = new MemoryStream();
var command = Environment.GetEnvironmentVariable("CNI_COMMAND");
if (command is not "VERSION" || Console.IsInputRedirected)
{
    // At most one byte more than a configuration may hold: a runaway stdin is refused by its size, not read to the end.
    var chunk = new byte[64 * 1024];
    int read;
    while (buffer.Length <= PluginConfig.MaxBytes && (read = stdin.Read(chunk)) > 0)
    {
        buffer.Write(chunk, 0, read);
    }
}

var outcome = CniPlugin.Run(Environment.GetEnvironmentVariable, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), new UnixSocketDaemonClient());
if (outcome.Stdout.Length > 0)
{
    using var stdout = Console.OpenStandardOutput();
    stdout.Write(System.Text.Encoding.UTF8.GetBytes(outcome.Stdout + "\n"));
}

return outcome.ExitCode;

using NetVirt.Cni;
using NetVirt.Cni.Transport;

// One execution per runtime call: environment + stdin in, CNI JSON out (CniPlugin), the daemon over its unix socket.
using var stdin = Console.OpenStandardInput();
using var buffer = new MemoryStream();
var command = Environment.GetEnvironmentVariable("CNI_COMMAND");
if (command is not "VERSION" || Console.IsInputRedirected)
{
    // At most one byte more than a configuration may hold: a runaway stdin is refused by its size, not read to the end.
    var chunk = new byte[64 * 1024];
    int read;
    while (buffer.Length <= PluginConfig.MaxBytes && (read = await stdin.ReadAsync(chunk).ConfigureAwait(false)) > 0)
    {
        buffer.Write(chunk, 0, read);
    }
}

var daemon = new UnixSocketDaemonClient();
var outcome = await CniPlugin.RunAsync(Environment.GetEnvironmentVariable, buffer.ToArray(), daemon).ConfigureAwait(false);
if (outcome.Stdout.Length > 0)
{
    using var stdout = Console.OpenStandardOutput();
    await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(outcome.Stdout + "\n")).ConfigureAwait(false);
}

return outcome.ExitCode;

using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using NetVirt.Api;
using NetVirt.Api.Reconcile;
using NetVirt.Api.Security;
using NetVirt.Model.Errors;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt serve</c>: the HTTP API over the database, with the reconcile service applying changes to this host
/// (<c>--reconcile auto</c>, the default) or only on <c>POST /apply</c> (<c>--reconcile off</c>).
/// </summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Addresses to listen on (default {ApiOptions.DefaultUrl}; loopback unless you name another address)",
            AllowMultipleArgumentsPerToken = true,
        };
        var reconcile = new Option<string>("--reconcile") { Description = "auto: apply every change to this host; off: store only, apply on POST /apply", DefaultValueFactory = _ => "auto" };
        reconcile.AcceptOnlyFromAmong("auto", "off");
        var resync = new Option<string?>("--resync") { Description = "Check the host for drift this often (30s, 5m, 1h); with --reconcile auto, drift is repaired" };
        var auth = new Option<string>("--auth") { Description = "token: bearer tokens (default); none: no authentication, loopback only", DefaultValueFactory = _ => "token" };
        auth.AcceptOnlyFromAmong("token", "none");
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body accepted", DefaultValueFactory = _ => Api.Hosting.RequestBody.DefaultLimit };
        var auditDir = new Option<string?>("--audit-dir") { Description = "Folder for the reports of audits this server runs (default: 'audits' next to the SQLite file, or in NetVirt's data directory for PostgreSQL)" };
        var socket = new Option<string?>("--socket")
        {
            Description = $"The unix socket the CNI plugin (netvirt-cni) talks to, root's only; 'none' for none (default {Api.Cni.DaemonSocket.SystemDefault} for the system database, else <db>.sock)",
        };
        var logFormat = new Option<string>("--log-format") { Description = "text: one line per event with a UTC timestamp; json: one JSON object per line", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("serve", """
            Run the HTTP API (networks, pools, zones, VNICs with IP and MAC allocation, plan, apply, drift, audit), the
            dashboard at /ui/, Prometheus metrics at /metrics, and the reconcile service

            Examples:
              netvirt serve --db /tmp/nv.db --reconcile off         # store only; the host changes on POST /apply
              netvirt serve --urls http://10.0.0.5:8470 --resync 5m  # also check for drift every 5 minutes and repair it
              netvirt serve --log-format json | your-log-shipper
              netvirt serve --socket /run/nvt/cni.sock              # the CNI plugin's socket (a conflist names it with "socket")
            """)
        {
            urls, reconcile, resync, auth, maxBody, socket, logFormat, auditDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            DaemonCompilation.SettleBeforeServing();
            var context = CommonOptions.Context(result, stdout, stderr);
            var options = new ApiOptions
            {
                Database = context.Database,
                Target = context.Target,
                Urls = result.GetValue(urls) is { Length: > 0 } given ? given : [ApiOptions.DefaultUrl],
                Reconcile = new ReconcileOptions
                {
                    Mode = result.GetValue(reconcile) == "off" ? ReconcileMode.Off : ReconcileMode.Auto,
                    Resync = result.GetValue(resync) is { } text ? ParseDuration(text) : null,
                },
                RequireAuth = result.GetValue(auth) != "none",
                TokenFile = context.TokenFile,
                MaxBodyBytes = result.GetValue(maxBody),
                AuditDirectory = result.GetValue(auditDir),
                Prefix = context.BackendOptions.Prefix,
                Socket = result.GetValue(socket) switch
                {
                    "none" => null,
                    "" => throw new InvalidInputException("--socket needs a path for the CNI plugin's unix socket, or 'none' for none"),
                    { } path => Path.GetFullPath(path),
                    null => Api.Cni.DaemonSocket.DefaultFor(context.Database),
                },
                LogFormat = result.GetValue(logFormat) == "json" ? Api.Observability.LogFormat.Json : Api.Observability.LogFormat.Text,
            };
            var tokens = ApiTokens.None;
            if (options.RequireAuth)
            {
                (tokens, var notice) = ApiTokens.Load(options.TokenFile ?? ApiTokens.DefaultFile(options.Database));
                if (notice is not null)
                {
                    // Shown once, on the terminal that started the server. Where output is captured (a service's
                    // journal, a log shipper), the tokens would land in the log: say where they are instead.
                    stdout.WriteLine(stdout == Console.Out && !Console.IsOutputRedirected
                        ? notice
                        : $"NetVirt API tokens generated and stored in {options.TokenFile ?? ApiTokens.DefaultFile(options.Database)} (mode 0600); read them there (they are not printed where output is captured).");
                }
            }

            var target = context.Target;
            // The server's backends act for its database's deployment; asked for only once the server runs (and the
            // database exists), so a refused URL creates no database.
            var backendOptions = context.BackendOptions;
            await using var app = ApiHost.Build(options, tokens, ct => CliContext.BackendFactory(target, backendOptions with { DeploymentId = context.WritableStore.DeploymentId }, ct));
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // Kestrel reports a taken port as an IOException ("Failed to bind to address URL: address already in
                // use."); one line saying which address and what to do, no stack trace (ApiHost keeps the host from logging one).
                // Kestrel's message names the address it could not bind: name only that one (all of them when it does not).
                var why = (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException ? "the address is already in use" : ex.Message).TrimEnd('.');
                string[] all = [.. options.Urls, .. options.Socket is { } s ? [s] : Array.Empty<string>()];
                var named = all.Where(a => ex.Message.Contains(a, StringComparison.Ordinal)).ToList();
                var where = named.Count > 0 ? named : [.. all];
                var how = options.Socket is { } socket && where.Contains(socket) ? (where.Count == 1 ? "with --socket" : "with --urls or --socket") : "with --urls";
                throw new Model.Errors.NetVirtException($"cannot listen on {string.Join(", ", where)}: {why}; choose another address or port {how}, or stop what listens there", ex);
            }

            stdout.WriteLine($"netvirt: serving {string.Join(", ", options.Urls)}{(options.Socket is { } cniSocket ? $" and {cniSocket} (CNI)" : "")} (database {options.Database.Display}, target {target.ToString().ToLowerInvariant()}, " +
                $"reconcile {options.Reconcile.Mode.ToString().ToLowerInvariant()}{(options.Reconcile.Resync is { } every ? $", resync every {every}" : "")}, " +
                $"auth {(tokens.Required ? "bearer token" : "none")}); dashboard {options.Urls[0].TrimEnd('/')}/ui/; Ctrl-C stops");
            await stdout.FlushAsync(cancellationToken);
            // Returns on Ctrl-C or SIGTERM (the host's console lifetime) or when the command is cancelled, after stopping the server.
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A duration such as <c>500ms</c>, <c>30s</c>, <c>5m</c> or <c>1h</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new InvalidInputException($"'{text}' is not a duration such as 30s, 5m or 1h");
    }
}

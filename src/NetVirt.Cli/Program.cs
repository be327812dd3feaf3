using System.CommandLine;
using NetVirt.Cli.Commands;
using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Cli;

/// <summary>Entry point of the <c>netvirt</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line with the process's console.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with the given output streams (tests call this in process).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        Api.Observability.PhaseTrace.EnableFromEnvironment();
        // A command's parts run side by side on pool threads (observing beside rendering, the table beside the links):
        // with the default of one thread per core they waited for each other at start-up, before the pool grew.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), completion);
        var root = BuildRoot(stdout, stderr);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"netvirt: {Api.Views.DisplayText.Escape(error.Message)}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'netvirt --help' for usage.").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ModelValidationException ex)
        {
            Output.ErrorPrinter.Print(stderr, ex.Errors, null);
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is InvalidInputException or UnknownObjectException)
        {
            await stderr.WriteLineAsync($"netvirt: {Api.Views.DisplayText.Escape(ex.Message)}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
        catch (NetVirtException ex)
        {
            await stderr.WriteLineAsync($"netvirt: {Api.Views.DisplayText.Escape(ex.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("netvirt: cancelled").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug, not a user error: say so plainly; the stack trace is for NETVIRT_DEBUG=1.
            await stderr.WriteLineAsync($"netvirt: internal error: {ex.GetType().Name}: {Api.Views.DisplayText.Escape(ex.Message)}").ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("NETVIRT_DEBUG") == "1")
            {
                await stderr.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }
    }

    /// <summary>The command tree.</summary>
    public static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("""
            NetVirt: declarative Crossbow-style network virtualization (etherstubs, VNICs, VLANs, zones), reconciled onto illumos or Linux and audited by packet capture

            Examples:
              netvirt apply -f network.yaml                  # store, plan, ask, apply
              netvirt show topology                          # what is declared, as a tree
              netvirt audit                                  # prove the tenants are isolated
              netvirt serve                                  # the HTTP API and the dashboard at http://127.0.0.1:8470/ui/
              source <(netvirt completion bash)
            """)
        {
            CommonOptions.Database,
            CommonOptions.Output,
            CommonOptions.Target,
            CommonOptions.Server,
            CommonOptions.TokenFile,
            CommonOptions.Prefix,
            CommonOptions.Quiet,
        };
        root.Subcommands.Add(ValidateCommand.Create(stdout, stderr));
        root.Subcommands.Add(ApplyCommand.Create(stdout, stderr));
        root.Subcommands.Add(ShowCommand.Create(stdout, stderr));
        root.Subcommands.Add(ExportCommand.Create(stdout, stderr));
        root.Subcommands.Add(IpCommand.Create(stdout, stderr));
        root.Subcommands.Add(PlanCommand.Create(stdout, stderr));
        root.Subcommands.Add(DriftCommand.Create(stdout, stderr));
        root.Subcommands.Add(DestroyCommand.Create(stdout, stderr));
        root.Subcommands.Add(HistoryCommand.Create(stdout, stderr));
        root.Subcommands.Add(ServeCommand.Create(stdout, stderr));
        root.Subcommands.Add(AgentCommand.Create(stdout, stderr));
        root.Subcommands.Add(AuditCommand.Create(stdout, stderr));
        root.Subcommands.Add(CniCommandLine.Create(stdout, stderr));
        root.Subcommands.Add(CompletionCommand.Create(stdout, () => BuildRoot(stdout, stderr)));
        return root;
    }
}

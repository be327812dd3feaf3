using System.Diagnostics;
using System.Runtime.InteropServices;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Model.Errors;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// nftables in this process through libnftables (the library the <c>nft</c> tool is made of, shipped with it): the same
/// text as <c>nft -f -</c> for a transaction, the same JSON as <c>nft -j list table</c>, read by <see cref="NftJson"/>,
/// without a process per call (starting <c>nft</c> cost several milliseconds, more than the work). One context serves
/// every call of the process under a lock (a context is not thread-safe). Results look like the tool's (exit code 0 or
/// 1, the error text as stderr), so messages and journal records stay the same; the command they name is the library
/// with the tool's arguments.
/// </summary>
internal sealed partial class LibNftables : INftables
{
    /// <summary>The library's file name (Debian: the libnftables1 package, which the nftables package depends on).</summary>
    public const string Library = "libnftables.so.1";

    private const uint OutputJson = 1 << 4;

    // One context for the process, made at the first call (a backend that only renders never loads the library). It opens
    // its netlink socket when made, in the namespace of the thread that makes it: a pool thread, in the host's.
    private static readonly Lazy<nint> Context = new(Open, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock Gate = new();

    /// <summary>The one instance (it holds no state of its own).</summary>
    public static LibNftables Instance { get; } = new();

    private LibNftables()
    {
    }

    // Throws BackendUnavailableException naming the library when it cannot be loaded (Lazy repeats it at every call).
    private static nint Open()
    {
        // The socket would be bound to the calling thread's namespace for the rest of the process: refuse to make it on a
        // thread that entered another namespace (a namespace worker), so the host's table can never be confused with a zone's.
        if (ReadLink("/proc/thread-self/ns/net") is { } thread && ReadLink("/proc/self/ns/net") is { } process && thread != process)
        {
            throw new InvalidOperationException($"{Library} must be opened in the process's own network namespace, not from a thread in {thread}");
        }

        nint context;
        try
        {
            context = NftCtxNew(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new BackendUnavailableException($"nftables cannot be driven: {Library} cannot be loaded ({ex.Message}); install the nftables package (Debian: libnftables1)", ex);
        }

        if (context == 0)
        {
            throw new BackendUnavailableException($"nftables cannot be driven: {Library} could not make a context (nft_ctx_new failed)");
        }

        if (NftCtxBufferOutput(context) != 0 || NftCtxBufferError(context) != 0)
        {
            throw new BackendUnavailableException($"nftables cannot be driven: {Library} could not buffer its output");
        }

        return context;
    }

    /// <inheritdoc />
    public Task<CommandResult> RunAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        cancellationToken.ThrowIfCancellationRequested();
        var input = string.Join('\n', lines) + "\n";
        return Task.FromResult(Run(Describe(["-f", "-"], input), input, json: false));
    }

    /// <inheritdoc />
    public Task<NftTableObserved?> ListAsync(string table, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var command = Describe(["-j", "list", "table", "bridge", table], null);
        var result = Run(command, $"list table bridge {table}", json: true);
        if (result.Succeeded)
        {
            return Task.FromResult<NftTableObserved?>(NftJson.Parse(result.Stdout));
        }

        return result.Stderr.Contains("No such file or directory", StringComparison.Ordinal)
            ? Task.FromResult<NftTableObserved?>(null)
            : throw new CommandFailedException($"reading nftables table bridge {table}", command.Argv, result.ExitCode, result.Stdout, result.Stderr);
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // What the call would be as the tool: journal records and error messages name it the same way.
    private static CommandSpec Describe(string[] args, string? input) =>
        CommandSpec.Of(Library, args) with { StandardInput = input };

    private static CommandResult Run(CommandSpec command, string text, bool json)
    {
        var clock = Stopwatch.StartNew();
        var context = Context.Value;
        lock (Gate)
        {
            NftCtxOutputSetFlags(context, json ? OutputJson : 0);
            var exit = NftRunCmdFromBuffer(context, text);
            // Reading a buffer hands its text over and starts the next call's empty.
            var stdout = Marshal.PtrToStringUTF8(NftCtxGetOutputBuffer(context)) ?? "";
            var stderr = Marshal.PtrToStringUTF8(NftCtxGetErrorBuffer(context)) ?? "";
            return new CommandResult(command, exit == 0 ? 0 : 1, stdout, stderr, clock.Elapsed);
        }
    }

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    private static partial nint NftCtxNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    private static partial int NftCtxBufferOutput(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    private static partial int NftCtxBufferError(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    private static partial void NftCtxOutputSetFlags(nint context, uint flags);

    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NftRunCmdFromBuffer(nint context, string buffer);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    private static partial nint NftCtxGetOutputBuffer(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    private static partial nint NftCtxGetErrorBuffer(nint context);
}

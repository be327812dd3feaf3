using System.Diagnostics;
using NetVirt.Cli;

namespace NetVirt.Tests.Cli;

/// <summary>
/// <c>netvirt completion bash|zsh|fish</c> loaded into the real shells: the script is sourced in a child shell and
/// asked to complete words, as the shell does on TAB. zsh and fish are skipped where they are not installed (outside CI;
/// scripts/setup.sh installs them).
/// </summary>
public sealed class CompletionTests
{
    private static async Task<string> ScriptAsync(string shell)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.True(await Program.RunAsync(["completion", shell], stdout, stderr) == ExitCodes.Ok, stderr.ToString());
        var path = Path.Combine(Path.GetTempPath(), $"netvirt-completion-{Guid.NewGuid():N}.{shell}");
        await File.WriteAllTextAsync(path, stdout.ToString());
        return path;
    }

    private static async Task<string> RunAsync(string shell, params string[] args)
    {
        var info = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {await error}");
        return await output;
    }

    private static bool Present(string shell) => File.Exists($"/usr/bin/{shell}") || Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Completes each line in bash as TAB would (the word under the cursor is the last, maybe empty), one result line each.</summary>
    private static async Task<string[]> BashCompleteAsync(string script, params string[] lines)
    {
        var probe = string.Join("\n", lines.Select(line => $"""
            read -ra COMP_WORDS <<< '{line}'; {(line.EndsWith(' ') ? "COMP_WORDS+=(\"\");" : "")} COMP_CWORD=$((${"{"}#COMP_WORDS[@]{"}"} - 1)); COMPREPLY=(); _netvirt; echo "${"{"}COMPREPLY[*]{"}"}"
            """));
        var output = await RunAsync("bash", "-c", $"source '{script}'\n{probe}");
        return output.TrimEnd('\n').Split('\n');
    }

    [Fact]
    public async Task Bash_SourcedScript_CompletesCommandsOptionsAndValues()
    {
        var script = await ScriptAsync("bash");
        try
        {
            var results = await BashCompleteAsync(script,
                "netvirt sh", "netvirt show ", "netvirt --output ", "netvirt ip l", "netvirt --db /tmp/x.db sh", "netvirt plan --com", "netvirt serve --log-format j", "netvirt completion ");
            Assert.Equal("show", results[0]);
            Assert.Equal("addresses etherstubs hosts networks pools topology vnics zones", results[1]);
            Assert.Equal("json table", results[2]);
            Assert.Equal("list", results[3]);
            Assert.Equal("show", results[4]);
            Assert.Equal("--commands", results[5]);
            Assert.Equal("json", results[6]);
            Assert.Equal("bash fish zsh", results[7]);
            // The shell's own completion is registered for the command name.
            Assert.Contains("complete -o default -F _netvirt netvirt", await RunAsync("bash", "-c", $"source '{script}'; complete -p netvirt"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task Zsh_Script_LoadsAndCompletes()
    {
        if (!Present("zsh"))
        {
            return;
        }

        var script = await ScriptAsync("zsh");
        try
        {
            await RunAsync("zsh", "-n", script);
            // bashcompinit runs the function with zero-based arrays (ksharrays), as here.
            var output = await RunAsync("zsh", "-c", $"autoload -U compinit && compinit -u; source '{script}'; setopt ksharrays; COMP_WORDS=(netvirt ip ''); COMP_CWORD=2; _netvirt; echo \"${{COMPREPLY[*]}}\"");
            Assert.Equal(["free", "list", "next", "release", "reserve", "who"], output.Trim().Split(' ').Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task Fish_Script_LoadsAndCompletes()
    {
        if (!Present("fish"))
        {
            return;
        }

        var script = await ScriptAsync("fish");
        try
        {
            await RunAsync("fish", "-n", script);
            var output = await RunAsync("fish", "-c", $"source '{script}'; complete -C'netvirt show t'; echo ---; complete -C'netvirt --output '; echo ---; complete -C'netvirt ip list --'");
            var parts = output.Split("---\n");
            Assert.Equal("topology", parts[0].Trim());
            Assert.Equal(["json", "table"], parts[1].Trim().Split('\n'));
            Assert.Contains("--output", parts[2], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }
}

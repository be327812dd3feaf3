using System.Text.Json;
using NetVirt.Api;
using NetVirt.Api.Endpoints;

namespace NetVirt.Cli.Agent;

/// <summary>
/// What an agent keeps in its state directory: its id (random, written once: the server tells this agent from another
/// one that claims the same host), and the last slice it read (applied at start while the server cannot be reached).
/// </summary>
public sealed class AgentIdentity
{
    private readonly string _sliceFile;

    private AgentIdentity(string agentId, string sliceFile)
    {
        AgentId = agentId;
        _sliceFile = sliceFile;
    }

    /// <summary>The agent's id.</summary>
    public string AgentId { get; }

    /// <summary>Opens (or creates, mode 0700) the state directory of the agent of <paramref name="host"/>.</summary>
    public static AgentIdentity Open(string directory, string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var idFile = Path.Combine(directory, "agent-id");
        if (!File.Exists(idFile))
        {
            Write(idFile, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) + "\n");
        }

        return new AgentIdentity(File.ReadAllText(idFile).Trim(), Path.Combine(directory, $"slice-{host}.json"));
    }

    /// <summary>Keeps <paramref name="slice"/> as the last one read (written whole, then renamed: never half a file).</summary>
    public void SaveSlice(SliceView slice) => Write(_sliceFile, JsonSerializer.Serialize(slice, ApiJson.Options));

    /// <summary>The last slice read, or null.</summary>
    public SliceView? LoadSlice()
    {
        try
        {
            return File.Exists(_sliceFile) ? JsonSerializer.Deserialize<SliceView>(File.ReadAllText(_sliceFile), ApiJson.Options) : null;
        }
        catch (JsonException)
        {
            return null; // a damaged cache is no slice; the server's is read as soon as it answers
        }
    }

    private static void Write(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
